package io.certfn.store;

import java.util.concurrent.ScheduledFuture;

/**
 * A held lease on one store key. While held, a heartbeat extends it; {@link #isHeld()} turns
 * false if another instance took it over (this holder stalled past expiry), and then the holder
 * must not write results. {@link #close()} releases it; closing twice is harmless.
 */
public final class Lease implements AutoCloseable {

    private final LeaseManager manager;
    private final String key;
    private final String owner;
    private volatile String version;
    private volatile boolean held = true;
    private ScheduledFuture<?> heartbeat;

    Lease(LeaseManager manager, String key, String owner, String version) {
        this.manager = manager;
        this.key = key;
        this.owner = owner;
        this.version = version;
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

    void startHeartbeat(ScheduledFuture<?> heartbeat) {
        this.heartbeat = heartbeat;
    }

    String version() {
        return version;
    }

    void renewed(String newVersion) {
        this.version = newVersion;
    }

    void lost() {
        held = false;
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
    }

    @Override
    public synchronized void close() {
        if (!held) {
            return;
        }
        lost();
        manager.release(this);
    }
}
