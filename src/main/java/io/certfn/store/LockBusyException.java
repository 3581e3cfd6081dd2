package io.certfn.store;

import io.certfn.error.CertfnException;
import java.time.Duration;

/** Another instance held a lease for longer than this one may wait: 503 {@code lock_busy}. */
public class LockBusyException extends CertfnException {

    public LockBusyException(String detail, Duration retryAfter) {
        super(503, "lock_busy", detail, null, retryAfter);
    }
}
