package io.certfn.acme;

import java.time.Duration;
import java.time.Instant;

/**
 * When to renew inside the CA's suggested window (RFC 9773 §4.2), chosen as certmagic and lego
 * choose: a uniformly random moment of the window while it lies ahead, so a fleet issued in one
 * hour does not renew in one hour; the window's start once it has begun, which is due at once.
 * Where the window is wider than the sweep's check interval the moment is taken early enough that
 * a sweep still falls inside it (as acme4j's {@code getRandomProposal} does); a narrower window —
 * Let's Encrypt's for a 160-hour certificate is 3.2 hours wide — is used whole. Never "now" for a
 * window ahead: taking "now" when {@code getRandomProposal} had no answer renewed a short-lived
 * certificate on every request.
 */
final class RenewalTime {

    private RenewalTime() {
    }

    /**
     * The renewal moment for the window [{@code start}, {@code end}) at {@code now};
     * {@code checkInterval} is how often a sweep looks; {@code fraction} in [0, 1) picks the moment
     * (a random number in production).
     */
    static Instant within(Instant start, Instant end, Instant now, Duration checkInterval, double fraction) {
        if (!now.isBefore(start)) {
            return start;
        }
        Instant latest = end.minus(checkInterval);
        Instant last = latest.isAfter(start) ? latest : end;
        long span = Duration.between(start, last).toMillis();
        if (span <= 0) {
            return start;
        }
        return start.plusMillis((long) (span * Math.max(0, Math.min(fraction, 0.999_999))));
    }
}
