package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CertificateCacheTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static StoredCertificate cert(String serial) {
        return new StoredCertificate(List.of("a.example"), "ec256", "", "", null, T0, T0.plus(Duration.ofDays(45)),
                T0.plus(Duration.ofDays(30)), serial, T0, "https://ca/order/" + serial, null, null, null, null, null, null);
    }

    private static CertificateCache cache(String ttl) {
        return new CertificateCache(TestConfig.of(Map.of("certfn.store.cache-ttl", ttl)),
                new io.certfn.metrics.CertfnMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), 10, java.time.Clock.systemUTC()));
    }

    @Test
    void servesWithinTheTtlOnly() {
        CertificateCache cache = cache("10s");
        cache.put("id", cert("01"), T0);
        assertEquals("01", cache.get("id", T0.plusSeconds(9)).orElseThrow().serial());
        assertTrue(cache.get("id", T0.plusSeconds(10)).isEmpty());
        assertTrue(cache.get("other", T0).isEmpty());
    }

    @Test
    void newerWriteReplacesTheEntry() {
        CertificateCache cache = cache("10s");
        cache.put("id", cert("01"), T0);
        cache.put("id", cert("02"), T0.plusSeconds(1));
        assertEquals("02", cache.get("id", T0.plusSeconds(2)).orElseThrow().serial());
    }

    @Test
    void zeroTtlDisablesIt() {
        CertificateCache cache = cache("0s");
        cache.put("id", cert("01"), T0);
        assertTrue(cache.get("id", T0).isEmpty());
    }

    @Test
    void staysBounded() {
        CertificateCache cache = cache("1h");
        for (int i = 0; i <= CertificateCache.MAX_ENTRIES; i++) {
            cache.put("id" + i, cert("01"), T0);
        }
        assertTrue(cache.get("id" + CertificateCache.MAX_ENTRIES, T0).isPresent());
        assertTrue(cache.get("id0", T0).isEmpty(), "the cache started over when full");
    }
}
