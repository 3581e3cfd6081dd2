package io.certfn.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The per-certificate gauges: seconds left at scrape time, bounded in number, gone with the certificate. */
class CertfnMetricsTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Instant ISSUED = NOW.minus(Duration.ofDays(1));

    @Test
    void gaugesReadTheSecondsLeftAreBoundedAndGoWhenForgotten() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CertfnMetrics metrics = new CertfnMetrics(registry, 2, Clock.fixed(NOW, ZoneOffset.UTC));
        metrics.certificate("a", "a.example", ISSUED, NOW.plus(Duration.ofDays(90)), NOW.plus(Duration.ofDays(60)));
        metrics.certificate("b", "b.example", ISSUED, NOW.plus(Duration.ofDays(5)), NOW.minus(Duration.ofDays(1)));
        metrics.certificate("c", "c.example", ISSUED, NOW.plus(Duration.ofDays(5)), NOW);

        assertEquals(90 * 86_400.0, registry.get("certfn.certificate.expiry").tag("certificate", "a").gauge().value());
        assertEquals(-86_400.0, registry.get("certfn.certificate.renewal").tag("name", "b.example").gauge().value(), "overdue is negative");
        assertNull(registry.find("certfn.certificate.expiry").tag("certificate", "c").gauge(), "beyond the bound");
        assertEquals(1.0, registry.get("certfn.certificates.untracked").gauge().value());

        metrics.certificate("a", "a.example", ISSUED, NOW.plus(Duration.ofDays(1)), NOW);
        assertEquals(86_400.0, registry.get("certfn.certificate.expiry").tag("certificate", "a").gauge().value(), "a renewal moves the gauge");

        metrics.forgetCertificate("b");
        assertNull(registry.find("certfn.certificate.expiry").tag("certificate", "b").gauge());
        metrics.certificate("c", "c.example", ISSUED, NOW.plus(Duration.ofDays(5)), NOW);
        assertEquals(5 * 86_400.0, registry.get("certfn.certificate.expiry").tag("certificate", "c").gauge().value(), "room again");
    }

    /** Let's Encrypt's 90-day and 160-hour (shortlived) certificates with a tenth of their lifetime left read alike. */
    @Test
    void theLifetimeRatioIsAlikeForLongAndShortLivedCertificates() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CertfnMetrics metrics = new CertfnMetrics(registry, 10, Clock.fixed(NOW, ZoneOffset.UTC));
        metrics.certificate("classic", "classic.example", NOW.minus(Duration.ofDays(81)), NOW.plus(Duration.ofDays(9)), NOW);
        metrics.certificate("short", "short.example", NOW.minus(Duration.ofHours(144)), NOW.plus(Duration.ofHours(16)), NOW);
        metrics.certificate("expired", "expired.example", NOW.minus(Duration.ofDays(10)), NOW.minus(Duration.ofDays(1)), NOW);
        assertEquals(0.1, registry.get("certfn.certificate.lifetime.remaining").tag("certificate", "classic").gauge().value(), 1e-9);
        assertEquals(0.1, registry.get("certfn.certificate.lifetime.remaining").tag("certificate", "short").gauge().value(), 1e-9);
        assertEquals(0.0, registry.get("certfn.certificate.lifetime.remaining").tag("certificate", "expired").gauge().value());
        // Seven days left, the old rule: routine for the 90-day certificate, past the end for the short one.
        assertEquals(9 * 86_400.0, registry.get("certfn.certificate.expiry").tag("certificate", "classic").gauge().value());
    }
}
