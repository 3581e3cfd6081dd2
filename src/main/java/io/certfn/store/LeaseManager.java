package io.certfn.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Leases on store keys (docs/design.md §5): an object created with {@code putIfAbsent} holding the owner
 * and an expiry. An expired lease is taken over with {@code putIfVersion}, so of many instances
 * exactly one holds it; a crashed holder costs one expiry. Holders renew at a third of the
 * duration, from a heartbeat thread, so long steps do not lose the lease, and confirm it before
 * each side effect ({@link Lease#confirm}), so one that stalled past expiry never writes.
 */
public class LeaseManager {

    private static final Logger LOG = Logger.getLogger(LeaseManager.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectStore store;
    private final Duration duration;
    private final Clock clock;
    private final ScheduledExecutorService heartbeats;

    public LeaseManager(ObjectStore store, Duration duration, Clock clock) {
        this.store = store;
        this.duration = duration;
        this.clock = clock;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "certfn-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Takes the lease on {@code key}, waiting up to {@code maxWait} while another holds it.
     * Blocks.
     *
     * @throws LockBusyException when the wait runs out
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public Lease acquire(String key, Duration maxWait) throws InterruptedException {
        return acquireUnless(key, maxWait, () -> false).orElseThrow();
    }

    /**
     * Takes the lease on {@code key} as {@link #acquire} does, but while another holds it asks
     * {@code settled} between looks whether the holder's work is already done; then stops waiting
     * and returns empty. A waiter so serves what the holder stored as soon as it is stored, without
     * writing a lease of its own. Blocks.
     *
     * @throws LockBusyException when the wait runs out
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public Optional<Lease> acquireUnless(String key, Duration maxWait, BooleanSupplier settled) throws InterruptedException {
        Instant start = clock.instant();
        Instant deadline = start.plus(maxWait);
        while (true) {
            Optional<Lease> lease = tryAcquire(key);
            if (lease.isPresent()) {
                return lease;
            }
            if (settled.getAsBoolean()) {
                return Optional.empty();
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new LockBusyException("Another certfn instance is still ordering this certificate (lease '"
                        + key + "'); try again shortly.", duration);
            }
            Thread.sleep(pauseAfter(Duration.between(start, clock.instant())).toMillis());
        }
    }

    /**
     * How long a waiter sleeps before looking at the lease again, having waited {@code waited}: a
     * tenth of that, from 10 ms to 1 s. A waiter so notices the holder's release within about a
     * tenth of its wait — a burst of requests for a new certificate ends soon after its one order —
     * while a minute-long order costs each waiter about one store read a second.
     */
    static Duration pauseAfter(Duration waited) {
        long tenth = Math.max(0, waited.toMillis()) / 10;
        return Duration.ofMillis(Math.min(Math.max(tenth, 10), 1000));
    }

    /** Takes the lease if it is free or expired; empty when another instance holds it. */
    public Optional<Lease> tryAcquire(String key) {
        String owner = Process.NAME + "/" + UUID.randomUUID();
        Optional<Versioned> current = store.get(key);
        Instant now = clock.instant();
        Optional<String> version;
        if (current.isEmpty()) {
            version = store.putIfAbsent(key, body(owner, now));
        } else if (expiry(current.get()).isBefore(now)) {
            LOG.infof("Taking over expired lease %s from %s", key, holder(current.get()));
            version = store.putIfVersion(key, body(owner, now), current.get().version());
        } else {
            return Optional.empty();
        }
        if (version.isEmpty()) {
            return Optional.empty();
        }
        Lease lease = new Lease(this, key, owner, version.get(), now);
        long period = Math.max(duration.toMillis() / 3, 10);
        lease.startHeartbeat(heartbeats.scheduleWithFixedDelay(() -> beat(lease), period, period, TimeUnit.MILLISECONDS));
        return Optional.of(lease);
    }

    private void beat(Lease lease) {
        try {
            synchronized (lease) {
                if (lease.isHeld() && !renew(lease)) {
                    LOG.warnf("Lost lease %s: another instance took it over", lease.key());
                }
            }
        } catch (RuntimeException e) {
            // A failed renewal is retried at the next beat; the lease is only lost on conflict.
            LOG.warnf("Could not renew lease %s: %s", lease.key(), e.getMessage());
        }
    }

    /** Extends the lease in the store; false (and the lease lost) when another instance took it over. Under the lease's lock. */
    private boolean renew(Lease lease) {
        Instant now = clock.instant();
        Optional<String> v = store.putIfVersion(lease.key(), body(lease.owner(), now), lease.version());
        if (v.isPresent()) {
            lease.renewed(v.get(), now);
            return true;
        }
        lease.lost();
        return false;
    }

    /**
     * See {@link Lease#confirm}. A renewal younger than a third of the lease needs no store call:
     * nobody may take the lease over before it expires, two thirds later. Should the store fail
     * while proving it, the side effect goes ahead only while the last renewal's expiry is ahead.
     */
    void confirm(Lease lease, String sideEffect) {
        synchronized (lease) {
            if (!lease.isHeld()) {
                throw new LeaseLostException(lease.key(), sideEffect, duration);
            }
            Instant now = clock.instant();
            if (now.isBefore(lease.renewedAt().plus(duration.dividedBy(3)))) {
                return;
            }
            boolean renewed;
            try {
                renewed = renew(lease);
            } catch (RuntimeException e) {
                if (now.isBefore(lease.renewedAt().plus(duration))) {
                    LOG.warnf("Could not renew lease %s before %s (%s); it is still held until it expires", lease.key(), sideEffect, e.getMessage());
                    return;
                }
                throw e;
            }
            if (!renewed) {
                LOG.warnf("Lost lease %s before %s: this instance stalled and another took over; leaving the work to it",
                        lease.key(), sideEffect);
                throw new LeaseLostException(lease.key(), sideEffect, duration);
            }
        }
    }

    void release(Lease lease) {
        try {
            store.deleteIfVersion(lease.key(), lease.version());
        } catch (RuntimeException e) {
            LOG.warnf("Could not release lease %s (it expires by itself): %s", lease.key(), e.getMessage());
        }
    }

    private byte[] body(String owner, Instant now) {
        try {
            return JSON.writeValueAsBytes(Map.of("owner", owner,
                    "expiresAt", now.plus(duration).toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant expiry(Versioned lease) {
        try {
            return Instant.parse(JSON.readTree(lease.data()).path("expiresAt").asText());
        } catch (IOException | RuntimeException e) {
            // An unreadable lease cannot be honoured; treating it as expired lets work go on.
            return Instant.EPOCH;
        }
    }

    private static String holder(Versioned lease) {
        try {
            return JSON.readTree(lease.data()).path("owner").asText("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /** {@code pid@host}, named in the lease for operators; held apart so answering from the store never loads JMX. */
    private static final class Process {
        static final String NAME = ManagementFactory.getRuntimeMXBean().getName();
    }
}
