package io.certfn.policy;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Looks at a changing policy source again at most once per interval, beside the requests: the
 * request that notices the interval has passed hands the look to a background thread and is
 * answered with the rules in force (a request may run on the event loop, which must not block on
 * the store). A policy that fails to read, to authenticate or to parse is logged; the rules in
 * force stay until a valid one is read.
 */
final class PolicyReloader {

    private static final Logger LOG = Logger.getLogger(PolicyReloader.class);

    private final PolicySource source;
    private final long intervalNanos;
    private final Consumer<Policy> apply;
    private final AtomicBoolean looking = new AtomicBoolean();
    private volatile long lastLook = System.nanoTime();
    private final ExecutorService executor;

    PolicyReloader(PolicySource source, Duration interval, Consumer<Policy> apply) {
        this.source = source;
        this.intervalNanos = interval.toNanos();
        this.apply = apply;
        boolean on = source.changes() && !interval.isZero() && !interval.isNegative();
        this.executor = on ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "certfn-policy-reload");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** Starts a look at the source when the interval has passed and none is running; never blocks. */
    void maybeReload() {
        if (executor == null || System.nanoTime() - lastLook < intervalNanos || !looking.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::lookNow);
        } catch (RejectedExecutionException e) {
            looking.set(false);
        }
    }

    /** Reads the source now, on the calling thread (the background look, and tests). */
    void lookNow() {
        try {
            source.reloadIfChanged().ifPresent(apply);
        } catch (Exception e) {
            LOG.errorf("certfn.policy: %s could not be reloaded, the rules in force stay: %s", source.describe(), e.getMessage());
        } finally {
            lastLook = System.nanoTime();
            looking.set(false);
        }
    }
}
