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
     * Takes of one key in this process queue here rather than race in the store: only other
     * processes' writes can then make a conditional write lose. Twenty first orders at once for one
     * registered domain otherwise lose ~190 writes among themselves (each re-reads and pauses), which
     * is what made them slow on two processes (bench/README.md, 2026-12-07). Striped, so memory stays
     * bounded whatever the number of keys.
     */
    private final Object[] stripes = new Object[64];

    private final ObjectStore store;

    StoreWindow(ObjectStore store) {
        this.store = store;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    /**
     * Records one event at {@code now} under {@code key} unless {@code limit} events already lie
     * within {@code window} before it.
     *
     * @return empty when recorded; else how long until the oldest event leaves the window
     * @throws StorageUnavailableException when the store fails, or other writers keep winning
     */
    Optional<Duration> take(String key, int limit, Duration window, Instant at) {
        synchronized (stripes[Math.floorMod(key.hashCode(), stripes.length)]) {
            return takeInStore(key, limit, window, at);
        }
    }

    private Optional<Duration> takeInStore(String key, int limit, Duration window, Instant at) {
        Instant now = at.truncatedTo(ChronoUnit.MILLIS); // what the object holds
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
            List<Instant> inWindow = current.map(v -> parse(v.data(), now.minus(window))).orElseGet(ArrayList::new);
            if (inWindow.size() >= limit) {
                return Optional.of(waitFor(inWindow, limit, window, now));
            }
            inWindow.add(now);
            byte[] data = format(inWindow);
            Optional<String> written = current.isEmpty() ? store.putIfAbsent(key, data)
                    : store.putIfVersion(key, data, current.get().version());
            if (written.isPresent()) {
                return Optional.empty();
            }
            pause(attempt);
        }
        throw new StorageUnavailableException("The shared counter " + key + " changed under " + ATTEMPTS
                + " conditional writes in a row; ask again shortly.", null);
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
