package io.certfn.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.store.ForwardingStore;
import io.certfn.store.StorageUnavailableException;
import io.certfn.store.Versioned;
import io.certfn.store.file.FileObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Takes of one counter queued in a process are decided together and written once (issue #31: twenty
 * first orders at once on two processes). The queue is made deterministic: the first take's read is held
 * until the others are parked behind it, so nothing here depends on how fast the machine is.
 */
class StoreWindowTest {

    private static final String KEY = "quota/caller/0123456789abcdef0123456789abcdef";
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    /** The file store, counting conditional writes; its first read of {@link #KEY} waits for {@link #release}. */
    private static final class HeldStore extends ForwardingStore {
        final AtomicInteger writes = new AtomicInteger();
        final CountDownLatch reading = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean failReads;

        HeldStore() throws Exception {
            super(new FileObjectStore(Files.createTempDirectory("window")));
        }

        @Override
        public Optional<Versioned> get(String key) {
            if (reading.getCount() > 0) {
                reading.countDown();
                await(release);
            }
            if (failReads) {
                throw new StorageUnavailableException("store down", null);
            }
            return super.get(key);
        }

        @Override
        public Optional<String> putIfAbsent(String key, byte[] data) {
            writes.incrementAndGet();
            return super.putIfAbsent(key, data);
        }

        @Override
        public Optional<String> putIfVersion(String key, byte[] data, String version) {
            writes.incrementAndGet();
            return super.putIfVersion(key, data, version);
        }
    }

    @Test
    void takesQueuedBehindAWriterAreDecidedInArrivalOrderAndWrittenOnce() throws Exception {
        HeldStore store = new HeldStore();
        StoreWindow window = new StoreWindow(store);
        List<Object> answers = new ArrayList<>(java.util.Collections.nCopies(10, null));
        // Limit 6: the first take and five of the nine queued behind it are recorded, four are refused.
        List<Thread> queued = runTakes(window, store, 6, answers);
        assertEquals(2, store.writes.get(), "one write for the first take, one for the nine queued behind it");
        assertEquals(6, lines(store), "six recorded");
        long refused = answers.stream().filter(a -> a instanceof Optional<?> o && o.isPresent()).count();
        assertEquals(4, refused, "answers: " + answers);
        answers.stream().filter(a -> a instanceof Optional<?> o && o.isPresent())
                .forEach(a -> assertEquals(Optional.of(Duration.ofHours(1)), a, "until the first of the six leaves the hour"));
        assertEquals(Optional.empty(), answers.get(0), "the first take is recorded");
        queued.forEach(t -> assertEquals(Thread.State.TERMINATED, t.getState()));
    }

    @Test
    void aStoreFailureFailsEveryTakeOfTheBatchAndRecordsNone() throws Exception {
        HeldStore store = new HeldStore();
        store.failReads = true;
        StoreWindow window = new StoreWindow(store);
        List<Object> answers = new ArrayList<>(java.util.Collections.nCopies(10, null));
        runTakes(window, store, 100, answers);
        assertTrue(answers.stream().allMatch(a -> a instanceof StorageUnavailableException), "answers: " + answers);
        assertEquals(0, store.writes.get());
    }

    /**
     * One take whose read is held, nine more parked behind it, then the read let go: the answers (or the
     * exceptions) land in {@code answers}, the first take's at index 0.
     */
    private static List<Thread> runTakes(StoreWindow window, HeldStore store, int limit, List<Object> answers) throws Exception {
        List<Thread> threads = new ArrayList<>();
        ConcurrentHashMap<Integer, Object> results = new ConcurrentHashMap<>();
        for (int i = 0; i < 10; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                try {
                    results.put(index, window.take(KEY, limit, Duration.ofHours(1), NOW));
                } catch (RuntimeException e) {
                    results.put(index, e);
                }
            }, "take-" + i);
            threads.add(t);
            t.start();
            if (i == 0) {
                assertTrue(store.reading.await(10, TimeUnit.SECONDS), "the first take reads");
            }
        }
        for (Thread t : threads.subList(1, threads.size())) {
            // Parked on the stripe's lock: queued by then (a take queues before it waits for the lock).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(Thread.State.WAITING, t.getState(), t.getName());
        }
        store.release.countDown();
        for (Thread t : threads) {
            t.join(10_000);
        }
        results.forEach(answers::set);
        return threads;
    }

    private static long lines(HeldStore store) {
        return new String(store.get(KEY).orElseThrow().data(), StandardCharsets.UTF_8).lines().count();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("never released");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
