package io.certfn.certs;

import io.certfn.identity.Caller;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How often one caller may start a renewal sweep on this instance ({@code
 * certfn.renewal.sweep-interval}). A sweep reads and opens every stored certificate it may renew, so
 * whoever can reach a sweep entry point (any token holder the policy lets renew, anyone allowed to
 * invoke a Lambda directly) must not be able to keep an instance busy with them.
 */
@Singleton
public class SweepThrottle {

    private final Duration interval;
    private final Clock clock;
    /** When each caller last started a sweep here; one entry per caller that may sweep at all. */
    private final Map<String, Instant> last = new ConcurrentHashMap<>();

    @Inject
    public SweepThrottle(RenewalConfig config) {
        this(config.sweepInterval(), Clock.systemUTC());
    }

    SweepThrottle(Duration interval, Clock clock) {
        this.interval = interval;
        this.clock = clock;
    }

    /**
     * Records that {@code caller} starts a sweep now.
     *
     * @throws RenewTooSoonException with the time left when it started one less than the interval ago
     */
    public void admit(Caller caller) {
        Instant now = clock.instant();
        Instant[] earlier = new Instant[1];
        last.compute(caller.describe(), (who, previous) -> {
            if (previous != null && previous.plus(interval).isAfter(now)) {
                earlier[0] = previous;
                return previous;
            }
            return now;
        });
        if (earlier[0] != null) {
            throw new RenewTooSoonException("The caller " + caller.describe() + " started a renewal sweep "
                    + Duration.between(earlier[0], now).toSeconds() + " s ago on this instance; one sweep per caller per "
                    + interval.toSeconds() + " s (certfn.renewal.sweep-interval).", Duration.between(now, earlier[0].plus(interval)));
        }
    }
}
