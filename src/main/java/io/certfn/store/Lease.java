package io.certfn.store;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

/**
 * A held lease on one store key. While held, a heartbeat extends it; {@link #isHeld()} turns
 * false if another instance took it over (this holder stalled past expiry). Before each side
 * effect the holder calls {@link #confirm}, which proves the lease is still its own (docs/design.md §5
 * fencing): a holder frozen by its host wakes to a heartbeat that has not run yet, so the flag
 * alone cannot tell. {@link #close()} releases it; closing twice is harmless.
 */
public final class Lease implements AutoCloseable {

    private final LeaseManager manager;
    private final String key;
    private final String owner;
    private volatile String version;
    private volatile Instant renewedAt;
    private volatile boolean held = true;
    private ScheduledFuture<?> heartbeat;

    Lease(LeaseManager manager, String key, String owner, String version, Instant renewedAt) {
        this.manager = manager;
        this.key = key;
        this.owner = owner;
        this.version = version;
        this.renewedAt = renewedAt;
    }

    /** The store key of the lease object. */
    public String key() {
        return key;
    }

    /** Who holds it: unique per acquisition. */
    public String owner() {
        return owner;
    }

    /** False once the lease was lost to another instance or released. */
    public boolean isHeld() {
        return held;
    }

    /**
     * Returns if this instance still holds the lease, so it may make {@code sideEffect} (e.g.
     * "publishing the challenge record"); when the last renewal is older than a third of the lease,
     * renews it first, which proves it in the store and gives the side effect a whole lease
     * duration before anyone may take over.
     *
     * @throws LeaseLostException when another instance took it over (or it was released)
     */
    public void confirm(String sideEffect) {
        manager.confirm(this, sideEffect);
    }

    void startHeartbeat(ScheduledFuture<?> heartbeat) {
        this.heartbeat = heartbeat;
    }

    String version() {
        return version;
    }

    Instant renewedAt() {
        return renewedAt;
    }

    void renewed(String newVersion, Instant at) {
        this.version = newVersion;
        this.renewedAt = at;
    }

    void lost() {
        held = false;
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
    }

    /** Releases the lease; under the lease's lock, so a heartbeat in flight cannot change its version meanwhile. */
    @Override
    public synchronized void close() {
        if (!held) {
            return;
        }
        lost();
        manager.release(this);
    }
}
