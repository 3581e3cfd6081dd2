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
        return cache(Map.of("certfn.store.cache-ttl", ttl));
    }

    private static CertificateCache cache(Map<String, String> config) {
        return new CertificateCache(TestConfig.of(config),
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

    /** A fleet larger than the heap: the cache holds at most half of certfn.store.cache-memory, then starts over. */
    @Test
    void staysWithinItsShareOfCacheMemory() {
        CertificateCache cache = cache(Map.of("certfn.store.cache-ttl", "1h", "certfn.store.cache-memory", "100K"));
        long each = CertificateCache.sizeOf(cert("01"));
        int fit = (int) (50 * 1024 / each);
        for (int i = 0; i < fit; i++) {
            cache.put("id" + i, cert("01"), T0);
        }
        for (int i = 0; i < fit; i++) {
            assertTrue(cache.get("id" + i, T0).isPresent(), "all " + fit + " fit in 50 KB: " + i);
        }
        cache.put("one-more", cert("01"), T0);
        assertTrue(cache.get("one-more", T0).isPresent());
        assertTrue(cache.get("id0", T0).isEmpty(), "the cache started over at its 50 KB");
    }

    @Test
    void cacheMemoryIsAQuarterOfTheHeapAtMost64MbUnlessConfigured() {
        long quarter = Math.min(Runtime.getRuntime().maxMemory() / 4, 64L * 1024 * 1024);
        assertEquals(quarter / 2, CertificateCache.halfOfCacheMemory(TestConfig.of(Map.of())));
        assertEquals(12L * 1024 * 1024, CertificateCache.halfOfCacheMemory(TestConfig.of(Map.of("certfn.store.cache-memory", "24M"))));
    }

    @Test
    void aCertificatesSizeCountsItsTexts() {
        StoredCertificate small = cert("01");
        StoredCertificate large = new StoredCertificate(List.of("a.example"), "ec256", "x".repeat(30_000), "", null, T0,
                T0.plus(Duration.ofDays(45)), T0.plus(Duration.ofDays(30)), "02", T0, "https://ca/order/02", null, null, null, null, null, null);
        assertTrue(CertificateCache.sizeOf(large) >= CertificateCache.sizeOf(small) + 30_000);
    }
}
