package io.certfn.acme;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import io.certfn.time.Sleeper;
import org.shredzone.acme4j.PollableResource;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeException;

/**
 * Waits for an ACME resource (challenge, order) to reach one of some statuses, as acme4j's
 * {@link PollableResource#waitForStatus} does, but without its fixed 3 s between polls when the CA
 * sends no {@code Retry-After}: CAs often finish a validation or a finalization well within that
 * second, so polls start 50 ms apart and double up to acme4j's 3 s. A {@code Retry-After} the CA
 * sends is always waited for (RFC 8555 §8.2). Hand-written because acme4j's interval is fixed.
 */
final class StatusPoll {

    static final Duration FIRST_INTERVAL = Duration.ofMillis(50);

    private StatusPoll() {
    }

    /** Until {@code resource} is in {@code statuses}; then that status. */
    static Status await(PollableResource resource, Set<Status> statuses, Duration timeout)
            throws AcmeException, InterruptedException {
        return await(resource, statuses, timeout, Clock.systemUTC(), Sleeper.system());
    }

    /** The same, reading {@code clock} and waiting with {@code sleeper} (tests move their clock instead). */
    static Status await(PollableResource resource, Set<Status> statuses, Duration timeout, Clock clock, Sleeper sleeper)
            throws AcmeException, InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        Status status = resource.getStatus();
        for (int attempt = 0; !statuses.contains(status); attempt++) {
            Optional<Instant> retryAfter = resource.fetch();
            status = resource.getStatus();
            if (statuses.contains(status)) {
                break;
            }
            Instant now = clock.instant();
            Duration pause = interval(attempt, retryAfter, now);
            if (now.plus(pause).isAfter(deadline)) {
                throw new AcmeException("Timeout has been reached (status " + status + " after " + timeout.toSeconds() + " s)");
            }
            sleeper.sleep(pause);
        }
        return status;
    }

    /** The wait before poll {@code attempt + 1}: the CA's {@code Retry-After}, else 50 ms doubling to 3 s. */
    static Duration interval(int attempt, Optional<Instant> retryAfter, Instant now) {
        if (retryAfter.isPresent()) {
            Duration asked = Duration.between(now, retryAfter.get());
            return asked.isNegative() ? Duration.ZERO : asked;
        }
        Duration doubled = FIRST_INTERVAL.multipliedBy(1L << Math.min(attempt, 10));
        return doubled.compareTo(PollableResource.DEFAULT_RETRY_AFTER) > 0 ? PollableResource.DEFAULT_RETRY_AFTER : doubled;
    }
}
