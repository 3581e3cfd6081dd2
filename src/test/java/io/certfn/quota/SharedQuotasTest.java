package io.certfn.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.identity.Caller;
import io.certfn.store.file.FileObjectStore;
import io.certfn.testing.MutableClock;
import io.certfn.testing.TestConfig;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The quotas shared through the store: two instances count together, windows slide, refusals name the key. */
class SharedQuotasTest {

    private final MutableClock clock = new MutableClock();

    private static LimitsConfig limits(int perHour, int perDomain, Duration cooldown) {
        return TestConfig.of(LimitsConfig.class, Map.of("certfn.limits.new-certificates-per-hour", String.valueOf(perHour),
                "certfn.limits.new-certificates-per-registered-domain", String.valueOf(perDomain),
                "certfn.limits.revocation-cooldown", cooldown.toSeconds() + "s"));
    }

    @Test
    void twoInstancesSharingAStoreCountOneCallersNewCertificatesTogether() throws Exception {
        FileObjectStore store = new FileObjectStore(Files.createTempDirectory("quota"));
        SharedQuotas one = new SharedQuotas(store, limits(3, 100, Duration.ofHours(48)), clock);
        SharedQuotas two = new SharedQuotas(store, limits(3, 100, Duration.ofHours(48)), clock);
        Caller greedy = Caller.apiKey("greedy");
        one.chargeNewCertificate(greedy, List.of("a.team.example.com"));
        two.chargeNewCertificate(greedy, List.of("b.team.example.com"));
        clock.advance(Duration.ofMinutes(10));
        one.chargeNewCertificate(greedy, List.of("c.team.example.com"));
        TooManyRequestsException refused = assertThrows(TooManyRequestsException.class,
                () -> two.chargeNewCertificate(greedy, List.of("d.team.example.com")));
        assertTrue(refused.getMessage().contains("certfn.limits.new-certificates-per-hour"), refused.getMessage());
        assertEquals(Duration.ofMinutes(50), refused.retryAfter().orElseThrow(), "until the first of the three leaves the hour");
        // Another caller is not held up; after the hour the greedy one may order again.
        two.chargeNewCertificate(Caller.apiKey("other"), List.of("x.example.org"));
        clock.advance(Duration.ofMinutes(50));
        two.chargeNewCertificate(greedy, List.of("d.team.example.com"));
    }

    /**
     * Twenty first orders at once for one registered domain on each of two instances: every one is
     * counted, and inside an instance they queue instead of racing, so conditional writes are lost only
     * to the other instance (at most one per take there), not to the 19 beside them.
     */
    @Test
    void aBurstOfOrdersIsCountedExactlyAndLosesWritesOnlyToOtherInstances() throws Exception {
        FileObjectStore files = new FileObjectStore(Files.createTempDirectory("quota"));
        java.util.concurrent.atomic.AtomicInteger lost = new java.util.concurrent.atomic.AtomicInteger();
        io.certfn.store.ObjectStore counting = new io.certfn.store.ForwardingStore(files) {
            @Override
            public java.util.Optional<String> putIfVersion(String key, byte[] data, String version) {
                java.util.Optional<String> written = super.putIfVersion(key, data, version);
                if (written.isEmpty()) {
                    lost.incrementAndGet();
                }
                return written;
            }

            @Override
            public java.util.Optional<String> putIfAbsent(String key, byte[] data) {
                java.util.Optional<String> written = super.putIfAbsent(key, data);
                if (written.isEmpty()) {
                    lost.incrementAndGet();
                }
                return written;
            }
        };
        List<SharedQuotas> instances = List.of(new SharedQuotas(counting, limits(1000, 1000, Duration.ZERO), clock),
                new SharedQuotas(counting, limits(1000, 1000, Duration.ZERO), clock));
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(40);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            SharedQuotas instance = instances.get(i % 2);
            String name = "n" + i + ".burst.example.com";
            done.add(threads.submit(() -> {
                start.await();
                instance.chargeNewCertificate(Caller.apiKey("fleet"), List.of(name));
                return null;
            }));
        }
        start.countDown();
        for (var d : done) {
            d.get();
        }
        threads.shutdown();
        String window = new String(files.get(SharedQuotas.key("domain", "example.com")).orElseThrow().data(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(40, window.lines().count(), "every order counted once: " + window);
        // Two windows taken per order (the caller's, the domain's): each take loses at most to the other instance's queue.
        assertTrue(lost.get() <= 2 * 40, "lost conditional writes: " + lost.get());
    }

    @Test
    void aRegisteredDomainsQuotaIsSharedByEveryCallerUnderIt() throws Exception {
        FileObjectStore store = new FileObjectStore(Files.createTempDirectory("quota"));
        SharedQuotas quotas = new SharedQuotas(store, limits(100, 2, Duration.ZERO), clock);
        quotas.chargeNewCertificate(Caller.apiKey("team-a"), List.of("a.team.example.co.uk"));
        quotas.chargeNewCertificate(Caller.apiKey("team-b"), List.of("*.other.example.co.uk"));
        TooManyRequestsException refused = assertThrows(TooManyRequestsException.class,
                () -> quotas.chargeNewCertificate(Caller.apiKey("victim"), List.of("www.example.co.uk")));
        assertTrue(refused.getMessage().contains("registered domain example.co.uk"), refused.getMessage());
        assertTrue(refused.getMessage().contains("certfn.limits.new-certificates-per-registered-domain"), refused.getMessage());
        // The refused caller's own counter was not charged: a refusal costs nothing.
        quotas.chargeNewCertificate(Caller.apiKey("victim"), List.of("www.example.org"));
        clock.advance(Duration.ofDays(7));
        quotas.chargeNewCertificate(Caller.apiKey("victim"), List.of("www.example.co.uk"));
    }

    @Test
    void aNameSetMayBeRevokedOncePerCooldownWhicheverInstanceAsks() throws Exception {
        FileObjectStore store = new FileObjectStore(Files.createTempDirectory("quota"));
        SharedQuotas one = new SharedQuotas(store, limits(100, 100, Duration.ofHours(48)), clock);
        SharedQuotas two = new SharedQuotas(store, limits(100, 100, Duration.ofHours(48)), clock);
        one.checkRevocation(List.of("b.example.com", "a.example.com"));
        one.recordRevocation(List.of("b.example.com", "a.example.com"));
        clock.advance(Duration.ofHours(47));
        TooManyRequestsException refused = assertThrows(TooManyRequestsException.class,
                () -> two.checkRevocation(List.of("a.example.com", "b.example.com")));
        assertTrue(refused.getMessage().contains("certfn.limits.revocation-cooldown"), refused.getMessage());
        assertEquals(Duration.ofHours(1), refused.retryAfter().orElseThrow());
        two.checkRevocation(List.of("a.example.com")); // another name set
        clock.advance(Duration.ofHours(1));
        two.checkRevocation(List.of("a.example.com", "b.example.com"));
    }

    @Test
    void registeredDomainsFollowThePublicSuffixList() {
        assertEquals("example.com", RegisteredDomain.of("a.b.example.com"));
        assertEquals("example.co.uk", RegisteredDomain.of("*.www.example.co.uk"));
        assertEquals("myapp.herokuapp.com", RegisteredDomain.of("x.myapp.herokuapp.com"), "a private PSL suffix");
        assertEquals("certfn.test", RegisteredDomain.of("a.team.certfn.test"), "an unlisted TLD: the implicit * rule");
    }
}
