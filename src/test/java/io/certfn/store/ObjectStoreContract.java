package io.certfn.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.testing.MutableClock;
import io.certfn.testing.stores.StoreServer;
import io.certfn.testing.stores.Stores;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/design.md §5, the store contract, run unchanged against every backend: each subclass names one
 * real server ({@link Stores}). Every test works under its own prefix of one shared bucket,
 * which also checks that prefixes keep installations apart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ObjectStoreContract {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final StoreServer server;
    private String prefix;
    private ObjectStore store;

    ObjectStoreContract(String type) {
        this.server = Stores.start(type);
    }

    @BeforeEach
    void freshPrefix() {
        prefix = "t" + PREFIXES.incrementAndGet();
        store = server.backend(prefix);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anAbsentKeyIsEmptyAndCannotBeReplacedOrDeleted() {
        assertTrue(store.get("certs/none/certificate.json").isEmpty());
        assertFalse(store.deleteIfVersion("certs/none/certificate.json", "1"));
        assertTrue(store.putIfVersion("certs/none/certificate.json", bytes("x"), "1").isEmpty());
        assertTrue(store.get("certs/none/certificate.json").isEmpty(), "a refused replace creates nothing");
    }

    @Test
    void createsOnlyWhenAbsent() {
        Optional<String> v1 = store.putIfAbsent("a/b", bytes("one"));
        assertTrue(v1.isPresent());
        assertTrue(store.putIfAbsent("a/b", bytes("two")).isEmpty());
        Versioned read = store.get("a/b").orElseThrow();
        assertArrayEquals(bytes("one"), read.data());
        assertEquals(v1.get(), read.version());
    }

    @Test
    void replacesAndDeletesOnlyAtTheCurrentVersion() {
        String v1 = store.putIfAbsent("k", bytes("one")).orElseThrow();
        String v2 = store.putIfVersion("k", bytes("two"), v1).orElseThrow();
        assertNotEquals(v1, v2);
        assertTrue(store.putIfVersion("k", bytes("stale"), v1).isEmpty(), "a stale version loses");
        assertTrue(store.putIfVersion("k", bytes("foreign"), "not-a-version").isEmpty());
        assertArrayEquals(bytes("two"), store.get("k").orElseThrow().data());
        assertFalse(store.deleteIfVersion("k", v1), "a stale version deletes nothing");
        assertTrue(store.get("k").isPresent());
        assertTrue(store.deleteIfVersion("k", v2));
        assertTrue(store.get("k").isEmpty());
        assertTrue(store.putIfAbsent("k", bytes("again")).isPresent(), "a deleted key can be created again");
    }

    @Test
    void emptyAndBinaryObjectsSurviveWhole() {
        store.putIfAbsent("empty", new byte[0]).orElseThrow();
        assertEquals(0, store.get("empty").orElseThrow().data().length);
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        store.putIfAbsent("binary", binary).orElseThrow();
        assertArrayEquals(binary, store.get("binary").orElseThrow().data());
    }

    @Test
    void listsByPrefixSortedAndOnlyUnderItsOwnFolder() {
        for (String key : List.of("certs/c/certificate.json", "certs/a/certificate.json", "certs/b/lease",
                "certs/a/order.json", "certsx/other", "acme/account.json")) {
            store.putIfAbsent(key, bytes("1")).orElseThrow();
        }
        assertEquals(List.of("certs/a/certificate.json", "certs/a/order.json", "certs/b/lease", "certs/c/certificate.json"),
                store.list("certs/"));
        assertEquals(List.of("certs/a/certificate.json", "certs/a/order.json"), store.list("certs/a/"));
        assertEquals(6, store.list("").size());
        assertEquals(List.of(), store.list("none/"));
        ObjectStore neighbour = server.backend("t" + PREFIXES.incrementAndGet());
        assertEquals(List.of(), neighbour.list(""), "another prefix sees nothing of this one");
        assertTrue(neighbour.get("acme/account.json").isEmpty());
    }

    /** The due index's listing: in key order, up to a bound (the clouds' backends stop asking there). */
    @Test
    void listsThroughABoundInKeyOrder() {
        for (String key : List.of("due/000000000300-c", "due/000000000100-a", "due/000000000200-b", "due/000000000200-a",
                "duex/000000000001-z", "certs/a/certificate.json")) {
            store.putIfAbsent(key, bytes("1")).orElseThrow();
        }
        assertEquals(List.of("due/000000000100-a", "due/000000000200-a", "due/000000000200-b"),
                store.listThrough("due/", "due/000000000200-~"));
        assertEquals(List.of(), store.listThrough("due/", "due/000000000099-~"));
        assertEquals(4, store.listThrough("due/", "due/999999999999-~").size(), "not duex/, not certs/");
        assertEquals(List.of(), store.listThrough("none/", "none/~"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/../../b", "/abs", "a//b", ".hidden", "a/./b", "UPPER", "sp ace", "a/", "",
            "semi;colon", "q?x", "hash#x", "back\\slash", "pct%2e", "nul\u0000"})
    void rejectsUnsafeKeys(String key) {
        assertThrows(IllegalArgumentException.class, () -> store.putIfAbsent(key, bytes("x")));
        assertThrows(IllegalArgumentException.class, () -> store.get(key));
        assertThrows(IllegalArgumentException.class, () -> store.deleteIfVersion(key, "1"));
    }

    @Test
    void rejectsOverlongKeysAndAcceptsTheLongestValidOne() {
        String segment = "a".repeat(127);
        String longest = String.join("/", segment, segment, segment, "b".repeat(128));
        assertEquals(StoreKeys.MAX_LENGTH, longest.length());
        assertTrue(store.putIfAbsent(longest, bytes("x")).isPresent());
        assertArrayEquals(bytes("x"), store.get(longest).orElseThrow().data());
        assertThrows(IllegalArgumentException.class, () -> store.get(longest + "c"));
        assertThrows(IllegalArgumentException.class, () -> store.get("a".repeat(129)));
    }

    @Test
    void exactlyOneOfAHundredConcurrentCreatesWins() throws Exception {
        assertEquals(1, race(100, i -> store.putIfAbsent("race/create", bytes("writer " + i)).isPresent()));
        assertTrue(new String(store.get("race/create").orElseThrow().data(), StandardCharsets.UTF_8).startsWith("writer "));
    }

    @Test
    void exactlyOneOfAHundredConcurrentSwapsWins() throws Exception {
        String v = store.putIfAbsent("race/cas", bytes("start")).orElseThrow();
        List<String> winners = java.util.Collections.synchronizedList(new ArrayList<>());
        assertEquals(1, race(100, i -> {
            boolean won = store.putIfVersion("race/cas", bytes("writer " + i), v).isPresent();
            if (won) {
                winners.add("writer " + i);
            }
            return won;
        }));
        assertEquals(winners.get(0), new String(store.get("race/cas").orElseThrow().data(), StandardCharsets.UTF_8));
    }

    @Test
    void aLeaseHasOneHolderUntilReleased() {
        LeaseManager leases = new LeaseManager(new ChecksummedStore(store, Clock.systemUTC()), Duration.ofSeconds(30), Clock.systemUTC());
        Lease first = leases.tryAcquire("certs/x/lease").orElseThrow();
        assertTrue(leases.tryAcquire("certs/x/lease").isEmpty());
        LeaseManager otherInstance = new LeaseManager(new ChecksummedStore(server.backend(prefix), Clock.systemUTC()),
                Duration.ofSeconds(30), Clock.systemUTC());
        assertTrue(otherInstance.tryAcquire("certs/x/lease").isEmpty(), "another instance on the same bucket waits too");
        first.close();
        assertTrue(otherInstance.tryAcquire("certs/x/lease").isPresent());
    }

    @Test
    void anExpiredLeaseIsTakenOverByExactlyOneOfManyWaitersAndTheStalledHolderLearnsIt() throws Exception {
        MutableClock clock = new MutableClock();
        ChecksummedStore checked = new ChecksummedStore(store, clock);
        // 30 s: its heartbeat does not run during the test, as in a process frozen by its host.
        Lease stalled = new LeaseManager(checked, Duration.ofSeconds(30), clock).tryAcquire("certs/y/lease").orElseThrow();
        LeaseManager others = new LeaseManager(checked, Duration.ofSeconds(30), clock);
        assertEquals(0, race(20, i -> others.tryAcquire("certs/y/lease").isPresent()), "not before it expires");
        clock.advance(Duration.ofSeconds(31));
        assertEquals(1, race(20, i -> others.tryAcquire("certs/y/lease").isPresent()));
        assertThrows(LeaseLostException.class, () -> stalled.confirm("storing the certificate"));
        assertFalse(stalled.isHeld());
    }

    @Test
    void aReleasedLeaseIsFreeAtOnceForAnotherInstance() {
        ChecksummedStore checked = new ChecksummedStore(store, Clock.systemUTC());
        Lease held = new LeaseManager(checked, Duration.ofSeconds(30), Clock.systemUTC()).tryAcquire("certs/z/lease").orElseThrow();
        LeaseManager other = new LeaseManager(new ChecksummedStore(server.backend(prefix), Clock.systemUTC()),
                Duration.ofSeconds(30), Clock.systemUTC());
        assertTrue(other.tryAcquire("certs/z/lease").isEmpty());
        held.close();
        try (Lease taken = other.tryAcquire("certs/z/lease").orElseThrow()) {
            taken.confirm("storing the certificate");
            assertTrue(taken.isHeld());
        }
    }

    interface Attempt {
        boolean run(int i) throws Exception;
    }

    static int race(int writers, Attempt attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    start.await();
                    return attempt.run(n);
                }));
            }
            start.countDown();
            int wins = 0;
            for (Future<Boolean> result : results) {
                wins += result.get() ? 1 : 0;
            }
            return wins;
        } finally {
            pool.shutdownNow();
        }
    }
}
