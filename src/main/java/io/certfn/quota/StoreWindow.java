package io.certfn.quota;

import io.certfn.store.ObjectStore;
import io.certfn.store.StorageUnavailableException;
import io.certfn.store.Versioned;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sliding-window counter kept in the store, so every instance sharing the store counts against
 * the same limit: the object holds the times of the events still inside the window, one epoch
 * millisecond per line. Taking a slot is read → drop what left the window → refuse or append →
 * write conditionally on the version read; a lost race reads again. Instances on serverless hosts
 * come and go by the hundred, so a count kept in memory would be a count per instance.
 */
final class StoreWindow {

    /**
     * Conditional writes lost in a row before the store is reported busy (each loser re-reads after a
     * short random pause, so a burst of first orders for one registered domain gets through in turn).
     */
    private static final int ATTEMPTS = 25;

    /**
     * Takes of one key in this process are written together: whoever holds the key's stripe reads the
     * object once, decides every take queued for that key in arrival order and writes once. Twenty
     * first orders at once for one registered domain otherwise lose ~190 writes among themselves; taken
     * one after another they still made ten store round trips per process in a row, each of which could
     * lose to the other process and pause, which held first orders up to half a second on two processes
     * sharing a store (bench/README.md, 2026-12-07, fourth session). Striped, so memory stays bounded
     * whatever the number of keys.
     */
    private final Stripe[] stripes = new Stripe[64];

    private final ObjectStore store;

    StoreWindow(ObjectStore store) {
        this.store = store;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Stripe();
        }
    }

    /**
     * Records one event at {@code at} under {@code key} unless {@code limit} events already lie
     * within {@code window} before it.
     *
     * @return empty when recorded; else how long until the oldest event leaves the window
     * @throws StorageUnavailableException when the store fails, or other writers keep winning
     */
    Optional<Duration> take(String key, int limit, Duration window, Instant at) {
        Take mine = new Take(key, limit, window, at.truncatedTo(ChronoUnit.MILLIS)); // what the object holds
        Stripe stripe = stripes[Math.floorMod(key.hashCode(), stripes.length)];
        synchronized (stripe.queued) {
            stripe.queued.add(mine);
        }
        stripe.lock.lock();
        try {
            if (!mine.decided) {
                // Not decided by the holder before: this thread writes every take of the key queued by now.
                commit(key, stripe.drain(key));
            }
        } finally {
            stripe.lock.unlock();
        }
        return mine.answer();
    }

    private void commit(String key, List<Take> takes) {
        try {
            Answers decided = takeInStore(key, takes);
            for (int i = 0; i < takes.size(); i++) {
                takes.get(i).answer = decided.waits.get(i);
            }
        } catch (RuntimeException e) {
            takes.forEach(t -> t.failure = e); // each caller of the batch fails as its own take would have
        } finally {
            takes.forEach(t -> t.decided = true);
        }
    }

    private Answers takeInStore(String key, List<Take> takes) {
        Instant oldestKept = takes.stream().map(t -> t.at.minus(t.window)).min(Instant::compareTo).orElseThrow();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Versioned> current;
            try {
                current = store.get(key);
            } catch (StorageUnavailableException e) {
                // A backend may refuse a read of an object that changes under it (GCS: metadata and media of
                // another generation); another writer won, so read again like after a lost write.
                if (attempt == ATTEMPTS - 1) {
                    throw e;
                }
                pause(attempt);
                continue;
            }
            List<Instant> kept = current.map(v -> parse(v.data(), oldestKept)).orElseGet(ArrayList::new);
            Answers answers = decide(kept, takes);
            if (answers.recorded == 0) {
                return answers; // every take refused: nothing to write
            }
            kept.sort(null);
            byte[] data = format(kept);
            Optional<String> written = current.isEmpty() ? store.putIfAbsent(key, data)
                    : store.putIfVersion(key, data, current.get().version());
            if (written.isPresent()) {
                return answers;
            }
            pause(attempt);
        }
        throw new StorageUnavailableException("The shared counter " + key + " changed under " + ATTEMPTS
                + " conditional writes in a row; ask again shortly.", null);
    }

    /** Each take in turn against {@code times} (appended to for each one recorded), as if taken one after another. */
    private static Answers decide(List<Instant> times, List<Take> takes) {
        List<Optional<Duration>> waits = new ArrayList<>();
        int recorded = 0;
        for (Take take : takes) {
            List<Instant> inWindow = times.stream().filter(t -> t.isAfter(take.at.minus(take.window))).sorted().toList();
            if (inWindow.size() >= take.limit) {
                waits.add(Optional.of(waitFor(inWindow, take.limit, take.window, take.at)));
            } else {
                times.add(take.at);
                waits.add(Optional.empty());
                recorded++;
            }
        }
        return new Answers(waits, recorded);
    }

    private record Answers(List<Optional<Duration>> waits, int recorded) {
    }

    /** One caller's take, decided by whichever thread writes its key next. */
    private static final class Take {
        final String key;
        final int limit;
        final Duration window;
        final Instant at;
        // Written under the stripe's lock, read by the take's own thread once it held that lock.
        boolean decided;
        Optional<Duration> answer;
        RuntimeException failure;

        Take(String key, int limit, Duration window, Instant at) {
            this.key = key;
            this.limit = limit;
            this.window = window;
            this.at = at;
        }

        Optional<Duration> answer() {
            if (failure != null) {
                throw failure;
            }
            return answer;
        }
    }

    private static final class Stripe {
        final ReentrantLock lock = new ReentrantLock();
        final List<Take> queued = new ArrayList<>();

        /** The takes of {@code key} queued so far, in arrival order, taken off the queue. */
        List<Take> drain(String key) {
            synchronized (queued) {
                List<Take> mine = queued.stream().filter(t -> t.key.equals(key)).toList();
                queued.removeAll(mine);
                return mine;
            }
        }
    }

    /**
     * What {@link #take} would answer, without recording anything.
     *
     * @throws StorageUnavailableException when the store fails
     */
    Optional<Duration> wouldWait(String key, int limit, Duration window, Instant at) {
        Instant now = at.truncatedTo(ChronoUnit.MILLIS);
        List<Instant> inWindow = store.get(key).map(v -> parse(v.data(), now.minus(window))).orElseGet(ArrayList::new);
        return inWindow.size() < limit ? Optional.empty() : Optional.of(waitFor(inWindow, limit, window, now));
    }

    private static Duration waitFor(List<Instant> inWindow, int limit, Duration window, Instant now) {
        Duration wait = Duration.between(now, inWindow.get(inWindow.size() - limit).plus(window));
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    /** 5–50 ms, random: writers that lost together do not all try again together. */
    private static void pause(int attempt) {
        try {
            Thread.sleep(5 + java.util.concurrent.ThreadLocalRandom.current().nextInt(5 + Math.min(attempt, 9) * 5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("Interrupted while counting against a shared quota", e);
        }
    }

    private static List<Instant> parse(byte[] data, Instant since) {
        List<Instant> times = new ArrayList<>();
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            try {
                Instant t = Instant.ofEpochMilli(Long.parseLong(line.strip()));
                if (t.isAfter(since)) {
                    times.add(t);
                }
            } catch (NumberFormatException e) {
                // A damaged line counts as nothing: the window refills from the next event on.
            }
        }
        times.sort(null);
        return times;
    }

    private static byte[] format(List<Instant> times) {
        StringBuilder out = new StringBuilder();
        times.forEach(t -> out.append(t.toEpochMilli()).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
