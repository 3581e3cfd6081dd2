package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.store.StoreConfig;import io.certfn.testing.TestConfig;
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
        return new CertificateCache(TestConfig.of(StoreConfig.class, config),
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

    /** A fleet larger than the heap: the cache holds at most half of certfn.store.cache-memory, evicting one entry at a time. */
    @Test
    void staysWithinItsShareOfCacheMemoryEvictingOneEntryAtATime() {
        CertificateCache cache = cache(Map.of("certfn.store.cache-ttl", "1h", "certfn.store.cache-memory", "100K"));
        long each = CertificateCache.sizeOf(cert("01"));
        int fit = (int) (50 * 1024 / each);
        for (int i = 0; i < fit; i++) {
            cache.put("id" + i, cert("01"), T0);
        }
        for (int i = 0; i < fit; i++) {
            assertTrue(cache.get("id" + i, T0).isPresent(), "all " + fit + " fit in 50 KB: " + i);
        }
        for (int i = 0; i < 3 * fit; i++) {
            cache.put("more" + i, cert("01"), T0);
            assertTrue(cache.weight() <= 50 * 1024, "never above its 50 KB: " + cache.weight());
        }
        assertTrue(cache.size() >= fit - 1, "full, not started over: " + cache.size() + " of " + fit);
    }

    @Test
    void aForgottenCertificateNoLongerCountsAgainstTheBound() {
        CertificateCache cache = cache(Map.of("certfn.store.cache-ttl", "1h", "certfn.store.cache-memory", "100K"));
        cache.put("a", cert("01"), T0);
        cache.put("b", cert("02"), T0);
        long two = cache.weight();
        cache.forget("a");
        assertTrue(cache.get("a", T0).isEmpty());
        assertEquals(two / 2, cache.weight(), "its bytes left with it");
        cache.put("b", cert("03"), T0);
        assertEquals(two / 2, cache.weight(), "a replaced entry is counted once");
    }

    @Test
    void concurrentWritersKeepTheWeightTrue() throws Exception {
        CertificateCache cache = cache(Map.of("certfn.store.cache-ttl", "1h", "certfn.store.cache-memory", "100M"));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 2000; i++) {
                    cache.put("id" + (i % 100), cert("01"), T0);
                    if (i % 7 == 0) {
                        cache.forget("id" + (i % 100));
                    }
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(cache.size() * CertificateCache.sizeOf(cert("01")), cache.weight(), "the weight is the sum of what is held");
    }

    @Test
    void cacheMemoryIsAQuarterOfTheHeapAtMost64MbUnlessConfigured() {
        long quarter = Math.min(Runtime.getRuntime().maxMemory() / 4, 64L * 1024 * 1024);
        assertEquals(quarter / 2, CertificateCache.halfOfCacheMemory(TestConfig.of(StoreConfig.class, Map.of())));
        assertEquals(12L * 1024 * 1024, CertificateCache.halfOfCacheMemory(TestConfig.of(StoreConfig.class, Map.of("certfn.store.cache-memory", "24M"))));
    }

    @Test
    void aCertificatesSizeCountsItsTexts() {
        StoredCertificate small = cert("01");
        StoredCertificate large = new StoredCertificate(List.of("a.example"), "ec256", "x".repeat(30_000), "", null, T0,
                T0.plus(Duration.ofDays(45)), T0.plus(Duration.ofDays(30)), "02", T0, "https://ca/order/02", null, null, null, null, null, null);
        assertTrue(CertificateCache.sizeOf(large) >= CertificateCache.sizeOf(small) + 30_000);
    }
}
