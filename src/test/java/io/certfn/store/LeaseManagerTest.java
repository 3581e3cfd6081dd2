package io.certfn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.store.file.FileObjectStore;
import io.certfn.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaseManagerTest {

    private static Instant expiresAt(ObjectStore store, String key) {
        return Instant.parse(field(store, key, "expiresAt"));
    }

    private static String owner(ObjectStore store, String key) {
        return field(store, key, "owner");
    }

    private static String field(ObjectStore store, String key, String name) {
        try {
            return new ObjectMapper().readTree(store.get(key).orElseThrow().data()).path(name).asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    @TempDir
    Path dir;

    @Test
    void onlyOneHolderUntilReleased() {
        LeaseManager leases = new LeaseManager(new FileObjectStore(dir), Duration.ofSeconds(30), Clock.systemUTC());
        Optional<Lease> first = leases.tryAcquire("certs/x/lease");
        assertTrue(first.isPresent());
        assertTrue(leases.tryAcquire("certs/x/lease").isEmpty());
        assertTrue(leases.tryAcquire("certs/y/lease").isPresent(), "leases are per key");
        first.get().close();
        assertTrue(leases.tryAcquire("certs/x/lease").isPresent());
    }

    @Test
    void anExpiredLeaseLeftByACrashedInstanceIsTakenOver() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        // A holder whose heartbeat never runs in time: its lease lives 1 ms.
        String lease = "{\"owner\":\"crashed\",\"expiresAt\":\"" + Instant.now().minusSeconds(1) + "\"}";
        store.putIfAbsent("certs/x/lease", lease.getBytes(StandardCharsets.UTF_8));
        LeaseManager leases = new LeaseManager(store, Duration.ofSeconds(30), Clock.systemUTC());
        Lease taken = leases.tryAcquire("certs/x/lease").orElseThrow();
        assertTrue(taken.isHeld());
        assertTrue(new String(store.get("certs/x/lease").orElseThrow().data(), StandardCharsets.UTF_8).contains(taken.owner()));
    }

    @Test
    void heartbeatKeepsALongHeldLeaseAlive() throws Exception {
        MutableClock clock = new MutableClock();
        FileObjectStore store = new FileObjectStore(dir);
        LeaseManager leases = new LeaseManager(store, Duration.ofMillis(300), clock);
        try (Lease lease = leases.tryAcquire("k").orElseThrow()) {
            Instant firstExpiry = expiresAt(store, "k");
            clock.advance(Duration.ofMillis(250));
            await(() -> expiresAt(store, "k").isAfter(firstExpiry), "the heartbeat renews the lease");
            clock.advance(Duration.ofMillis(250));
            assertTrue(clock.instant().isAfter(firstExpiry));
            assertTrue(leases.tryAcquire("k").isEmpty(), "still held past its first expiry");
            assertTrue(lease.isHeld());
        }
        assertTrue(leases.tryAcquire("k").isPresent());
    }

    @Test
    void waitingEndsWithLockBusyNamingTheLease() {
        LeaseManager leases = new LeaseManager(new FileObjectStore(dir), Duration.ofSeconds(30), Clock.systemUTC());
        leases.tryAcquire("k").orElseThrow();
        LockBusyException busy = assertThrows(LockBusyException.class, () -> leases.acquire("k", Duration.ofMillis(200)));
        assertEquals("lock_busy", busy.code());
        assertEquals(503, busy.status());
        assertTrue(busy.getMessage().contains("k"));
    }

    @Test
    void aStalledHoldersLeaseIsTakenOverAtExpiryAndTheHolderLearnsItWhenItConfirms() {
        MutableClock clock = new MutableClock();
        FileObjectStore store = new FileObjectStore(dir);
        // 30 s: the heartbeat (every 10 s) does not run during the test, as in a frozen process.
        Lease stalled = new LeaseManager(store, Duration.ofSeconds(30), clock).tryAcquire("k").orElseThrow();
        LeaseManager other = new LeaseManager(store, Duration.ofSeconds(30), clock);
        clock.advance(Duration.ofSeconds(29));
        assertTrue(other.tryAcquire("k").isEmpty(), "not before it expires");
        clock.advance(Duration.ofSeconds(2));
        Lease taken = other.tryAcquire("k").orElseThrow();
        assertTrue(stalled.isHeld(), "a frozen holder cannot know yet");

        LeaseLostException lost = assertThrows(LeaseLostException.class, () -> stalled.confirm("finalizing the order"));
        assertEquals("lock_busy", lost.code());
        assertTrue(lost.getMessage().contains("before finalizing the order"), lost.getMessage());
        assertFalse(stalled.isHeld());
        assertTrue(owner(store, "k").equals(taken.owner()), "the new holder's lease is untouched");
        stalled.close();
        assertTrue(store.get("k").isPresent(), "closing a lost lease releases nothing");
        taken.confirm("storing the certificate");
    }

    @Test
    void confirmingAFreshLeaseCostsNoStoreCallAndAnOlderOneIsRenewedFirst() {
        MutableClock clock = new MutableClock();
        FileObjectStore store = new FileObjectStore(dir);
        Lease lease = new LeaseManager(store, Duration.ofSeconds(30), clock).tryAcquire("k").orElseThrow();
        String version = store.get("k").orElseThrow().version();
        Instant expiry = expiresAt(store, "k");
        clock.advance(Duration.ofSeconds(9));
        lease.confirm("publishing the challenge record");
        assertEquals(version, store.get("k").orElseThrow().version(), "renewed 9 s ago of 30: no store call");
        clock.advance(Duration.ofSeconds(2));
        lease.confirm("triggering the challenges");
        assertEquals(expiry.plusSeconds(11), expiresAt(store, "k"), "renewed before the side effect: a whole lease ahead");
        assertTrue(lease.isHeld());
        lease.close();
        assertTrue(store.get("k").isEmpty());
        assertThrows(LeaseLostException.class, () -> lease.confirm("storing the certificate"), "a released lease confirms nothing");
    }

    @Test
    void closingWhileAHeartbeatIsInFlightStillReleasesTheLease() throws Exception {
        FileObjectStore files = new FileObjectStore(dir);
        CountDownLatch renewing = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        // The heartbeat's write lands in the store, then its answer is held up.
        ObjectStore slowAnswers = new ForwardingStore(files) {
            @Override
            public Optional<String> putIfVersion(String key, byte[] data, String version) {
                Optional<String> written = super.putIfVersion(key, data, version);
                renewing.countDown();
                try {
                    finish.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return written;
            }
        };
        Lease lease = new LeaseManager(slowAnswers, Duration.ofMillis(60), Clock.systemUTC()).tryAcquire("k").orElseThrow();
        assertTrue(renewing.await(10, TimeUnit.SECONDS));
        Thread closer = new Thread(lease::close);
        closer.start();
        await(() -> closer.getState() == Thread.State.BLOCKED || !closer.isAlive(), "close waits for the heartbeat");
        finish.countDown();
        closer.join(10_000);
        assertTrue(files.get("k").isEmpty(), "released with the version the heartbeat wrote: " + files.list(""));
    }

    @Test
    void aWaiterLooksAgainAfterATenthOfItsWaitBetweenTenMillisecondsAndASecond() {
        assertEquals(Duration.ofMillis(10), LeaseManager.pauseAfter(Duration.ZERO));
        assertEquals(Duration.ofMillis(10), LeaseManager.pauseAfter(Duration.ofMillis(60)));
        assertEquals(Duration.ofMillis(25), LeaseManager.pauseAfter(Duration.ofMillis(250)));
        assertEquals(Duration.ofMillis(500), LeaseManager.pauseAfter(Duration.ofSeconds(5)));
        assertEquals(Duration.ofSeconds(1), LeaseManager.pauseAfter(Duration.ofMinutes(3)));
    }

    @Test
    void aWaiterStopsWaitingWhenTheHoldersWorkIsDoneWithoutTakingTheLease() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        LeaseManager leases = new LeaseManager(store, Duration.ofSeconds(30), Clock.systemUTC());
        Lease held = leases.tryAcquire("k").orElseThrow();
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        Optional<Lease> taken = leases.acquireUnless("k", Duration.ofSeconds(5), () -> asked.incrementAndGet() == 3);
        assertTrue(taken.isEmpty(), "the holder's result is served instead");
        assertEquals(3, asked.get(), "asked between looks at the lease, until done");
        assertTrue(held.isHeld());
        assertTrue(new String(store.get("k").orElseThrow().data(), StandardCharsets.UTF_8).contains(held.owner()),
                "the holder's lease is untouched");
        held.close();
        assertTrue(leases.acquireUnless("k", Duration.ofSeconds(1), () -> true).isPresent(),
                "a free lease is taken without asking");
    }
}
