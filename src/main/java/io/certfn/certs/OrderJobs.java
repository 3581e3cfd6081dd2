package io.certfn.certs;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The orders this process is running, one job per key (a certificate and a mode): a request for a
 * certificate being ordered joins its job instead of starting another. The job runs on a thread of
 * its own, so a request that stops waiting (its budget spent) leaves the order going on.
 */
@Singleton
public class OrderJobs {

    /** The work of a job. */
    interface Job {
        Outcome.Ready run() throws InterruptedException;
    }

    private final Map<String, CompletableFuture<Outcome.Ready>> running = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "certfn-order");
        t.setDaemon(true);
        return t;
    });

    /** The job running under {@code key}, if any. */
    Optional<CompletableFuture<Outcome.Ready>> running(String key) {
        return Optional.ofNullable(running.get(key));
    }

    /**
     * The job under {@code key}: the running one, or {@code job} started now. {@code permit} is
     * claimed only to start one, and given back when it ends (at once, if another request started
     * the job meanwhile).
     *
     * @throws RuntimeException what {@code permit} throws (a limit reached)
     */
    CompletableFuture<Outcome.Ready> joinOrStart(String key, Supplier<OrderLimits.Permit> permit, Job job) {
        CompletableFuture<Outcome.Ready> existing = running.get(key);
        if (existing != null) {
            return existing;
        }
        OrderLimits.Permit claimed = permit.get();
        CompletableFuture<Outcome.Ready> mine = new CompletableFuture<>();
        existing = running.putIfAbsent(key, mine);
        if (existing != null) {
            claimed.close(); // another request started it meanwhile: join that one
            return existing;
        }
        try {
            threads.execute(() -> {
                try {
                    Outcome.Ready result = job.run();
                    running.remove(key, mine);
                    mine.complete(result);
                } catch (Throwable t) {
                    running.remove(key, mine);
                    mine.completeExceptionally(t);
                } finally {
                    claimed.close();
                }
            });
        } catch (RuntimeException e) {
            running.remove(key, mine);
            claimed.close();
            mine.completeExceptionally(e);
        }
        return mine;
    }
}
