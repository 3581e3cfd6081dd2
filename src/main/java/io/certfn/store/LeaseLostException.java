package io.certfn.store;

import java.time.Duration;

/**
 * This instance's lease was taken over (it stalled past the lease's expiry, e.g. frozen by its
 * function host), so it must not make the side effect it was about to make: the instance now
 * holding the lease does that work. Answered as {@code lock_busy} if it ever reaches a caller.
 */
public class LeaseLostException extends LockBusyException {

    public LeaseLostException(String key, String sideEffect, Duration retryAfter) {
        super("This certfn instance stalled and another one took over the order (lease '" + key + "') before "
                + sideEffect + "; try again shortly.", retryAfter);
    }
}
