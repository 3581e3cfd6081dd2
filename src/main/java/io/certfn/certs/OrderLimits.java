package io.certfn.certs;

import io.certfn.quota.LimitsConfig;import io.certfn.identity.Caller;
import io.certfn.quota.SharedQuotas;
import io.certfn.quota.TooManyRequestsException;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code certfn.limits.*}: orders running per caller and in total and requests per caller
 * holding a worker thread while they wait (this instance's threads); new certificates per caller
 * and per registered domain through {@link SharedQuotas} (the CA's quotas, counted in the store by
 * every instance). One caller granted {@code *.team.example.com} could otherwise start unlimited
 * orders — using up the ACME account's new-order limit and the registered domain's weekly
 * certificates for every other tenant — or hold every worker thread with {@code Prefer: wait}.
 */
@Singleton
public class OrderLimits {

    /** A claimed slot; {@link #close()} gives it back (idempotent). */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private final LimitsConfig limits;
    private final SharedQuotas quotas;
    private final Map<String, Integer> ordersByCaller = new HashMap<>();
    private final Map<String, Integer> waitsByCaller = new HashMap<>();
    private int orders;

    public OrderLimits(LimitsConfig config, SharedQuotas quotas) {
        this.limits = config;
        this.quotas = quotas;
    }

    /**
     * Claims a running order for {@code caller} on this instance.
     *
     * @throws TooManyRequestsException naming the limit that is reached
     */
    public Permit startOrder(Caller caller) {
        return startRunning(caller);
    }

    /**
     * Charges a new certificate of {@code names} to the shared quotas (see {@link SharedQuotas});
     * called once an order is sure to reach the CA.
     *
     * @throws TooManyRequestsException naming the quota that is spent
     */
    public void chargeNewCertificate(Caller caller, List<String> names) {
        quotas.chargeNewCertificate(caller, names);
    }

    private synchronized Permit startRunning(Caller caller) {
        String who = caller.describe();
        int mine = ordersByCaller.getOrDefault(who, 0);
        if (mine >= limits.ordersPerCaller()) {
            throw new TooManyRequestsException("The caller " + who + " already has " + mine + " orders running on this instance;"
                    + " at most " + limits.ordersPerCaller() + " at once (certfn.limits.orders-per-caller). Ask again when one is done.",
                    Duration.ofSeconds(10));
        }
        if (orders >= limits.orders()) {
            throw new TooManyRequestsException(orders + " orders are running on this instance; at most " + limits.orders()
                    + " at once (certfn.limits.orders). Ask again shortly.", Duration.ofSeconds(10));
        }
        ordersByCaller.merge(who, 1, Integer::sum);
        orders++;
        return once(() -> {
            synchronized (this) {
                decrement(ordersByCaller, who);
                orders--;
            }
        });
    }

    /**
     * Claims a worker thread's wait for an order for {@code caller}.
     *
     * @throws TooManyRequestsException when the caller already has {@code certfn.limits.waits-per-caller} waiting
     */
    public synchronized Permit waiting(Caller caller) {
        String who = caller.describe();
        int mine = waitsByCaller.getOrDefault(who, 0);
        if (mine >= limits.waitsPerCaller()) {
            throw new TooManyRequestsException("The caller " + who + " already has " + mine + " requests waiting for orders on this"
                    + " instance; at most " + limits.waitsPerCaller() + " (certfn.limits.waits-per-caller). Ask again shortly.",
                    Duration.ofSeconds(5));
        }
        waitsByCaller.put(who, mine + 1);
        return once(() -> {
            synchronized (this) {
                decrement(waitsByCaller, who);
            }
        });
    }

    /** One fewer for {@code who}; a caller at zero leaves the map, so it holds only callers with something running. */
    private static void decrement(Map<String, Integer> counts, String who) {
        counts.computeIfPresent(who, (k, n) -> n > 1 ? n - 1 : null);
    }

    private static Permit once(Runnable release) {
        boolean[] done = new boolean[1];
        return () -> {
            synchronized (done) {
                if (!done[0]) {
                    done[0] = true;
                    release.run();
                }
            }
        };
    }
}
