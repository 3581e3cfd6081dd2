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

    @Test
    void gaugesReadTheSecondsLeftAreBoundedAndGoWhenForgotten() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CertfnMetrics metrics = new CertfnMetrics(registry, 2, Clock.fixed(NOW, ZoneOffset.UTC));
        metrics.certificate("a", "a.example", NOW.plus(Duration.ofDays(90)), NOW.plus(Duration.ofDays(60)));
        metrics.certificate("b", "b.example", NOW.plus(Duration.ofDays(5)), NOW.minus(Duration.ofDays(1)));
        metrics.certificate("c", "c.example", NOW.plus(Duration.ofDays(5)), NOW);

        assertEquals(90 * 86_400.0, registry.get("certfn.certificate.expiry").tag("certificate", "a").gauge().value());
        assertEquals(-86_400.0, registry.get("certfn.certificate.renewal").tag("name", "b.example").gauge().value(), "overdue is negative");
        assertNull(registry.find("certfn.certificate.expiry").tag("certificate", "c").gauge(), "beyond the bound");
        assertEquals(1.0, registry.get("certfn.certificates.untracked").gauge().value());

        metrics.certificate("a", "a.example", NOW.plus(Duration.ofDays(1)), NOW);
        assertEquals(86_400.0, registry.get("certfn.certificate.expiry").tag("certificate", "a").gauge().value(), "a renewal moves the gauge");

        metrics.forgetCertificate("b");
        assertNull(registry.find("certfn.certificate.expiry").tag("certificate", "b").gauge());
        metrics.certificate("c", "c.example", NOW.plus(Duration.ofDays(5)), NOW);
        assertEquals(5 * 86_400.0, registry.get("certfn.certificate.expiry").tag("certificate", "c").gauge().value(), "room again");
    }
}
