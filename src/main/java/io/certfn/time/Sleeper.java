package io.certfn.time;

import java.time.Duration;

/**
 * How certfn waits (between polls of the CA, after a Retry-After, for a lagging name server): one
 * seam, so tests move their clock instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {

    /** Waits {@code pause}; blocks. @throws InterruptedException when the thread is interrupted */
    void sleep(Duration pause) throws InterruptedException;

    /** The thread's real sleep. */
    static Sleeper system() {
        return pause -> Thread.sleep(Math.max(0, pause.toMillis()));
    }
}
