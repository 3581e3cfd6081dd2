package io.certfn.acme;

import io.certfn.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import org.jboss.logging.Logger;
import org.shredzone.acme4j.exception.AcmeException;

/**
 * Asks the CA again after a transient failure (a 5xx or {@code serverInternal} answer, a dropped
 * connection): at most {@value #TRIES} tries, 1 s then 2 s apart, or when the CA's
 * {@code Retry-After} says, if later and within {@link #MAX_RETRY_WAIT}. A CA in an incident often
 * answers the next try; a refusal is never asked twice. Waits with the injected {@link Sleeper}.
 */
final class CaRetry {

    private static final Logger LOG = Logger.getLogger(CaRetry.class);

    /** The longest Retry-After of a failing CA an order waits out before giving up with it. */
    static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(30);

    static final int TRIES = 3;

    /** One request to the CA. */
    interface AcmeCall<T> {
        T run() throws AcmeException;
    }

    private final Clock clock;
    private final Sleeper sleeper;

    CaRetry(Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * {@code call}'s answer, asked again after transient failures; {@code step} names it in the log.
     *
     * @throws AcmeException the last failure, or the first that is not transient
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    <T> T run(String step, AcmeCall<T> call) throws AcmeException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (AcmeException e) {
                if (attempt >= TRIES || !CaProblems.isTransient(e)) {
                    throw e;
                }
                Duration pause = Duration.ofSeconds(attempt);
                if (e instanceof CaRetryAfterException busy) {
                    Duration asked = Duration.between(clock.instant(), busy.retryAfter());
                    if (asked.compareTo(MAX_RETRY_WAIT) > 0) {
                        throw e; // longer than an order waits: the caller gets the CA's Retry-After
                    }
                    pause = asked.compareTo(pause) > 0 ? asked : pause;
                }
                LOG.infof("The CA failed %s (%s); trying again in %d ms (%d of %d)", step, e.getMessage(), pause.toMillis(), attempt + 1,
                        TRIES);
                sleeper.sleep(pause);
            }
        }
    }
}
