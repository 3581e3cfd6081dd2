package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.certs.RenewalScheduleProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The renewal moment against the windows Let's Encrypt's Boulder serves. Boulder's
 * {@code RenewalInfoSimple} (core/objects.go) centres the window at a third of the lifetime before
 * expiry, at half of it for certificates of less than 10 days, and makes it 2 % of the lifetime wide
 * (± 1 %): 3.2 hours for a 160-hour ({@code shortlived}) certificate, 1.8 days for 90 days.
 */
class RenewalTimeTest {

    private static final Duration TWELVE_HOURS = Duration.ofHours(12);

    /** Boulder's window for a certificate valid from {@code notBefore} to {@code notAfter}. */
    static Instant[] boulderWindow(Instant notBefore, Instant notAfter) {
        Duration lifetime = Duration.between(notBefore, notAfter);
        Duration offset = lifetime.compareTo(Duration.ofDays(10)) < 0 ? lifetime.dividedBy(2) : lifetime.dividedBy(3);
        Instant ideal = notAfter.minus(offset);
        Duration half = lifetime.dividedBy(100);
        return new Instant[] {ideal.minus(half), ideal.plus(half)};
    }

    @Test
    void aWindowAheadNarrowerThanTheCheckIntervalGivesAMomentInsideItNeverNow() {
        Instant issued = Instant.parse("2026-12-06T00:00:00Z");
        Instant[] window = boulderWindow(issued, issued.plus(Duration.ofHours(160)));
        assertEquals(Duration.ofMinutes(192), Duration.between(window[0], window[1]), "3.2 hours, as Let's Encrypt serves it");
        for (double fraction : new double[] {0, 0.5, 0.999}) {
            Instant at = RenewalTime.within(window[0], window[1], issued, TWELVE_HOURS, fraction);
            assertTrue(!at.isBefore(window[0]) && at.isBefore(window[1]), "inside the window: " + at);
        }
    }

    @Test
    void aWideWindowLeavesACheckIntervalBeforeItsEndAndABegunWindowIsDueAtItsStart() {
        Instant issued = Instant.parse("2026-12-06T00:00:00Z");
        Instant[] window = boulderWindow(issued, issued.plus(Duration.ofDays(90)));
        Instant last = RenewalTime.within(window[0], window[1], issued, TWELVE_HOURS, 0.999_999);
        assertTrue(!last.isAfter(window[1].minus(TWELVE_HOURS)), "a sweep every 12 h still meets it: " + last);
        Instant inside = window[0].plus(Duration.ofHours(1));
        assertEquals(window[0], RenewalTime.within(window[0], window[1], inside, TWELVE_HOURS, 0.7), "begun: due at once");
    }

    /**
     * A simulated week of one 160-hour certificate: a request every minute and a sweep every 12
     * hours, time moved by the loop. Each order is followed by the window Boulder would serve; the
     * certificate is ordered again only when the moment chosen in it has come — 3 orders in a week
     * (at 0 h, ~80 h, ~160 h), never one per request.
     */
    @Test
    void aWeekOfAShortLivedCertificateMakesTheOrdersBouldersWindowsCallFor() {
        Random random = new Random(42);
        Instant start = Instant.parse("2026-12-06T00:00:00Z");
        Instant renewAfter = null;
        int orders = 0;
        for (Duration t = Duration.ZERO; t.compareTo(Duration.ofDays(7)) < 0; t = t.plusMinutes(1)) {
            Instant now = start.plus(t);
            if (renewAfter == null || !now.isBefore(renewAfter)) {
                orders++;
                Instant notAfter = now.plus(Duration.ofHours(160));
                Instant[] window = boulderWindow(now, notAfter);
                Instant at = RenewalTime.within(window[0], window[1], now, TWELVE_HOURS, random.nextDouble());
                renewAfter = RenewalScheduleProbe.renewAfter(now, notAfter, Optional.of(at));
            }
        }
        assertEquals(3, orders, "one order, then one renewal every ~80 hours");
    }
}
