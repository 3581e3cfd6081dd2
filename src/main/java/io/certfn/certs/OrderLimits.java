package io.certfn.certs;

import io.certfn.auth.Caller;
import io.certfn.config.CertfnConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code certfn.limits.*} of one instance: orders running per caller and in total, first
 * orders of new certificates per caller per hour, and requests per caller holding a worker thread
 * while they wait. One caller granted {@code *.team.example.com} could otherwise start unlimited
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

    private static final Duration HOUR = Duration.ofHours(1);

    private final CertfnConfig.Limits limits;
    private final Clock clock;
    private final Map<String, Integer> ordersByCaller = new HashMap<>();
    private final Map<String, Integer> waitsByCaller = new HashMap<>();
    private final Map<String, Deque<Instant>> newByCaller = new HashMap<>();
    private int orders;

    @Inject
    public OrderLimits(CertfnConfig config) {
        this(config.limits(), Clock.systemUTC());
    }

    OrderLimits(CertfnConfig.Limits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Claims a running order for {@code caller}; {@code newCertificate} when nothing is stored for it yet.
     *
     * @throws TooManyRequestsException naming the limit that is reached
     */
    public synchronized Permit startOrder(Caller caller, boolean newCertificate) {
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
        if (newCertificate) {
            Instant now = clock.instant();
            Deque<Instant> recent = newByCaller.computeIfAbsent(who, k -> new ArrayDeque<>());
            while (!recent.isEmpty() && !recent.peekFirst().plus(HOUR).isAfter(now)) {
                recent.removeFirst();
            }
            if (recent.size() >= limits.newCertificatesPerHour()) {
                throw new TooManyRequestsException("The caller " + who + " has ordered " + recent.size() + " new certificates on this"
                        + " instance in the last hour; at most " + limits.newCertificatesPerHour()
                        + " (certfn.limits.new-certificates-per-hour). Stored certificates are still served.",
                        Duration.between(now, recent.peekFirst().plus(HOUR)));
            }
            recent.addLast(now);
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
