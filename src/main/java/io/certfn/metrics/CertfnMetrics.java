package io.certfn.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * certfn's own meters on {@code /q/metrics} (README "Operating certfn" lists them with alert rules).
 * Every label takes values from a closed set — endpoints, outcomes, problem codes, token reasons,
 * configured issuers, store operations — except the per-certificate gauges, which are bounded by
 * {@code certfn.metrics.certificate-gauges}. Meters are looked up once per label set and kept, so
 * the warm path pays one map lookup and an increment.
 */
// Application-scoped (a proxy, built at first use): the API's response filter is created at build time, before run-time config exists.
@jakarta.enterprise.context.ApplicationScoped
public class CertfnMetrics {

    /** Issuance durations worth an alert boundary: a DNS-01 order takes seconds, a stuck one minutes. */
    private static final Duration[] ISSUANCE_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15),
        Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

    private final MeterRegistry registry;
    private final Clock clock;
    private final int maxCertificates;
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, TrackedCertificate> certificates = new ConcurrentHashMap<>();
    private final AtomicInteger ordersInFlight = new AtomicInteger();
    private final AtomicLong untracked = new AtomicLong();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Counter served;

    /** What the expiry gauges of one certificate read at scrape time. */
    private static final class TrackedCertificate {
        volatile Instant notBefore;
        volatile Instant notAfter;
        volatile Instant renewAfter;
        volatile List<Gauge> gauges = List.of();
    }

    @jakarta.inject.Inject
    public CertfnMetrics(MeterRegistry registry, MetricsConfig config) {
        this(registry, config.certificateGauges(), Clock.systemUTC());
    }

    public CertfnMetrics(MeterRegistry registry, int maxCertificates, Clock clock) {
        this.registry = registry;
        this.maxCertificates = maxCertificates;
        this.clock = clock;
        Gauge.builder("certfn.orders.in.flight", ordersInFlight, AtomicInteger::get)
                .description("Orders this instance is running at the CA now").register(registry);
        cacheHits = cacheCounter("hit");
        cacheMisses = cacheCounter("miss");
        served = requestCounter("/api/certificate", "ok", "none");
        Gauge.builder("certfn.certificates.abandoned", abandoned, AtomicInteger::get)
                .description("Due certificates the last sweep no longer renews: their orders have failed for longer than their lifetime")
                .register(registry);
        Gauge.builder("certfn.certificates.untracked", untracked, AtomicLong::get)
                .description("Certificates seen beyond certfn.metrics.certificate-gauges, which have no expiry gauges").register(registry);
    }

    /** A certificate answered with 200 on {@code POST /api/certificate}: the warm path, counted without a lookup. */
    public void certificateServed() {
        served.increment();
    }

    /** An API answer: {@code outcome} ok|pending|rejected|failed, {@code code} the problem code or "none". */
    public void request(String endpoint, String outcome, String code) {
        counters.computeIfAbsent(List.of("request", endpoint, outcome, code), k -> requestCounter(endpoint, outcome, code)).increment();
    }

    private Counter requestCounter(String endpoint, String outcome, String code) {
        return Counter.builder("certfn.requests").description("API answers by endpoint, outcome and problem code")
                .tags("endpoint", endpoint, "outcome", outcome, "code", code).register(registry);
    }

    /** A bearer token was refused; {@code issuer} a configured issuer's name or "untrusted" (never what a stranger wrote). */
    public void tokenRejected(String reason, String issuer) {
        count("certfn.token.rejections", "Bearer tokens refused, by reason and issuer", "reason", reason, "issuer", issuer);
    }

    /** A certificate was stored after an order ({@code kind} issued|renewed). */
    public void issued(String kind, Duration took) {
        timers.computeIfAbsent(List.of("issuance", kind), k -> Timer.builder("certfn.issuance")
                .description("Orders that ended with a stored certificate, by kind, with their duration")
                .tag("kind", kind).serviceLevelObjectives(ISSUANCE_BUCKETS).register(registry)).record(took);
    }

    /** An order failed with the problem {@code code}. */
    public void issuanceFailed(String code) {
        count("certfn.issuance.failures", "Orders that failed, by problem code", "code", code);
    }

    /** A certificate was delivered to a target of {@code kind} ({@code acm}, {@code keyVault}, {@code certificateManager}). */
    public void delivered(String kind) {
        count("certfn.deliveries", "Certificates delivered to a cloud's certificate store, by target kind", "target", kind);
    }

    /** A delivery to a target of {@code kind} failed; the next sweep tries it again. */
    public void deliveryFailed(String kind) {
        count("certfn.delivery.failures", "Deliveries to a cloud's certificate store that failed, by target kind", "target", kind);
    }

    /** An order at the CA, counted in {@code certfn_orders_in_flight} until closed. */
    public interface InFlight extends AutoCloseable {
        @Override
        void close();
    }

    /** An order starts at the CA; close the answer when it ends. */
    public InFlight orderStarted() {
        ordersInFlight.incrementAndGet();
        return ordersInFlight::decrementAndGet;
    }

    /** How long a request or job waited for a certificate's lease ({@code acquired}: it got it). */
    public void leaseWait(Duration waited, boolean acquired) {
        timers.computeIfAbsent(List.of("lease", String.valueOf(acquired)), k -> Timer.builder("certfn.lease.wait")
                .description("Time spent waiting for a certificate's lease; acquired=false: another instance stored it meanwhile or the wait ran out")
                .tag("acquired", k.get(1)).register(registry)).record(waited);
    }

    /** One call to the store backend {@code backend} ({@code op} get|put|delete|list); {@code failed}: it threw. */
    public void storeCall(String backend, String op, long nanos, boolean failed) {
        timers.computeIfAbsent(List.of("store", backend, op, String.valueOf(failed)), k -> Timer.builder("certfn.store.calls")
                .description("Calls to the object store, by backend, operation and whether they failed")
                .tags("backend", backend, "op", op, "error", k.get(3)).register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** The challenge TXT records became visible at every authoritative server after {@code took}. */
    public void dnsPropagation(Duration took) {
        timers.computeIfAbsent(List.of("dns"), k -> Timer.builder("certfn.dns.propagation")
                .description("Time from publishing the challenge records until every authoritative server answered them")
                .register(registry)).record(took);
    }

    /** A request was answered from memory ({@code hit}) or had to read the store. */
    public void cache(boolean hit) {
        (hit ? cacheHits : cacheMisses).increment();
    }

    private Counter cacheCounter(String result) {
        return Counter.builder("certfn.cache.lookups").description("Lookups in the in-memory certificate cache: hit, or miss (the store is read)")
                .tag("result", result).register(registry);
    }

    /**
     * The current certificate {@code id} ({@code name}: its first name), valid from {@code notBefore}
     * to {@code notAfter}, is due at {@code renewAfter}: its gauges {@code certfn_certificate_expiry_seconds},
     * {@code certfn_certificate_renewal_seconds} and {@code certfn_certificate_lifetime_remaining_ratio}
     * read the time left at scrape time. The ratio is what alerts should use: "7 days left" is routine
     * for a 90-day certificate and too late for a 6-day one, a tenth of the lifetime is alarming for both.
     */
    public void certificate(String id, String name, Instant notBefore, Instant notAfter, Instant renewAfter) {
        TrackedCertificate tracked = certificates.get(id);
        if (tracked == null) {
            if (certificates.size() >= maxCertificates) {
                untracked.incrementAndGet();
                return;
            }
            TrackedCertificate created = new TrackedCertificate();
            created.notBefore = notBefore;
            created.notAfter = notAfter;
            created.renewAfter = renewAfter;
            tracked = certificates.putIfAbsent(id, created);
            if (tracked == null) {
                Tags tags = Tags.of("certificate", id, "name", name);
                created.gauges = List.of(
                        Gauge.builder("certfn.certificate.expiry", created, c -> secondsUntil(c.notAfter)).baseUnit("seconds").tags(tags)
                                .description("Seconds until the certificate's notAfter").register(registry),
                        Gauge.builder("certfn.certificate.renewal", created, c -> secondsUntil(c.renewAfter)).baseUnit("seconds").tags(tags)
                                .description("Seconds until the certificate is due for renewal (negative: overdue)").register(registry),
                        Gauge.builder("certfn.certificate.lifetime.remaining", created, this::lifetimeLeft).baseUnit("ratio").tags(tags)
                                .description("Share of the certificate's lifetime (notBefore to notAfter) still ahead: 1 new, 0 expired")
                                .register(registry));
                return;
            }
        }
        tracked.notBefore = notBefore;
        tracked.notAfter = notAfter;
        tracked.renewAfter = renewAfter;
    }

    /** The last sweep found {@code count} certificates it no longer renews ({@code certfn_certificates_abandoned}). */
    public void abandoned(int count) {
        abandoned.set(count);
    }

    /** The CA at {@code directory}: {@code certfn_ca_circuit_open} is 1 while {@code open} says it is asked after the others. */
    public void caCircuit(String directory, java.util.function.BooleanSupplier open) {
        // Held strongly: Micrometer keeps a gauge's object weakly, and nothing else holds this lambda.
        Gauge.builder("certfn.ca.circuit.open", open, o -> o.getAsBoolean() ? 1 : 0).strongReference(true).tag("directory", directory)
                .description("1 while the CA is asked after the other configured CAs (it failed orders in a row)").register(registry);
    }

    /** The certificate {@code id} is no longer served (revoked): its gauges go. */
    public void forgetCertificate(String id) {
        TrackedCertificate tracked = certificates.remove(id);
        if (tracked != null) {
            tracked.gauges.forEach(registry::remove);
        }
    }

    private double lifetimeLeft(TrackedCertificate c) {
        double lifetime = Duration.between(c.notBefore, c.notAfter).toMillis();
        return lifetime <= 0 ? 0 : Math.max(0, Math.min(1, Duration.between(clock.instant(), c.notAfter).toMillis() / lifetime));
    }

    private double secondsUntil(Instant when) {
        return Duration.between(clock.instant(), when).toMillis() / 1000.0;
    }

    private void count(String name, String description, String... tags) {
        List<String> key = new java.util.ArrayList<>(tags.length + 1);
        key.add(name);
        key.addAll(List.of(tags));
        counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry)).increment();
    }
}
