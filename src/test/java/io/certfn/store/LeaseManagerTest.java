package io.certfn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.store.file.FileObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaseManagerTest {

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
    void anExpiredLeaseIsTakenOverAndItsHolderLearnsItLostIt() throws Exception {
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
        LeaseManager leases = new LeaseManager(new FileObjectStore(dir), Duration.ofMillis(300), Clock.systemUTC());
        try (Lease lease = leases.acquire("k", Duration.ofSeconds(1))) {
            Thread.sleep(1000);
            assertTrue(lease.isHeld());
            assertTrue(leases.tryAcquire("k").isEmpty(), "still held after three lease durations");
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
    void aWaiterGetsTheLeaseWhenTheHolderCrashes() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        LeaseManager crashed = new LeaseManager(store, Duration.ofMillis(200), Clock.systemUTC());
        Lease held = crashed.tryAcquire("k").orElseThrow();
        held.lost(); // the heartbeat stops, as it would when the process dies; nothing is released
        LeaseManager other = new LeaseManager(store, Duration.ofSeconds(30), Clock.systemUTC());
        long start = System.nanoTime();
        try (Lease lease = other.acquire("k", Duration.ofSeconds(5))) {
            assertTrue(lease.isHeld());
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 100, "waited for the expiry");
        assertFalse(held.isHeld());
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
