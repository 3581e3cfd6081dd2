package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The failure backoff, with time as an input: doubling from certfn.renewal.failure-backoff, capped, the CA's Retry-After wins. */
class FailureRecordTest {

    private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");
    private static final Duration FIRST = Duration.ofMinutes(5);

    @Test
    void eachFailureInARowDoublesTheWaitUpToSixHours() {
        FailureRecord record = null;
        Instant now = T0;
        Duration[] expected = {Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(40),
            Duration.ofMinutes(80), Duration.ofMinutes(160), Duration.ofMinutes(320), Duration.ofHours(6), Duration.ofHours(6)};
        for (Duration wait : expected) {
            record = FailureRecord.after(record, "acme_error", "the CA failed", now, FIRST, Optional.empty());
            assertEquals(now.plus(wait), record.notBefore(), "failure " + record.count());
            assertTrue(record.active(now.plus(wait).minusSeconds(1)), "just inside");
            assertFalse(record.active(now.plus(wait)), "at its end");
            now = record.notBefore();
        }
        assertEquals(expected.length, record.count());
    }

    @Test
    void theCasRetryAfterWinsWhenLonger() {
        FailureRecord limited = FailureRecord.after(null, "acme_rate_limited", "too many", T0, FIRST, Optional.of(Duration.ofDays(7)));
        assertEquals(T0.plus(Duration.ofDays(7)), limited.notBefore());
        FailureRecord shorter = FailureRecord.after(null, "acme_error", "busy", T0, FIRST, Optional.of(Duration.ofSeconds(30)));
        assertEquals(T0.plus(FIRST), shorter.notBefore(), "never shorter than certfn's own backoff");
    }
}
