package io.certfn.certs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.delivery.DeliveryBackend;
import io.certfn.delivery.DeliveryException;
import io.certfn.delivery.DeliveryPlan;
import io.certfn.delivery.DeliveryTarget;
import io.certfn.delivery.Shipment;
import io.certfn.metrics.CertfnMetrics;
import io.certfn.store.ObjectStore;
import io.certfn.store.StoreKeys;
import io.certfn.store.Versioned;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Puts certificates where the policy's {@code deliver} targets say (ACM, Key Vault, Certificate
 * Manager) after each issuance and renewal, under the certificate's lease, so two instances never
 * import one certificate twice (two ACM ARNs). A failure never fails the request for the
 * certificate: it is recorded ({@link DeliveryRecord}), counted, logged, named in the answer, and
 * marked in {@code deliveries/pending/}, which the next sweep works through until it succeeds.
 * Certificates with a client's key (CSR) are never delivered: certfn has no key to deliver.
 *
 * <p>Just over ~250 lines because the record, the pending mark and the memory of unsettled records
 * must change together for one certificate (a delivery after issuance, the sweep's retry, the
 * answer's member); each cloud's client is a backend of its own in {@code delivery}.
 */
@Singleton
public class CertificateDelivery {

    private static final Logger LOG = Logger.getLogger(CertificateDelivery.class);
    private static final String PENDING = "deliveries/pending/";
    /** How long a record that is not final (pending or failed) is trusted from memory before the store is read again. */
    private static final Duration UNSETTLED_FOR = Duration.ofSeconds(30);
    /** A bound on the records kept in memory; past it the map starts over (records are re-read, never lost). */
    private static final int REMEMBERED = 10_000;

    private record Remembered(String serial, DeliveryRecord record, Instant readAt, boolean settled) {
    }

    /** A delivery still failing after a sweep: the report's {@code deliveryFailures} entry. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Undelivered(List<String> domains, String target, String detail) {
    }

    private final ObjectStore store;
    private final CertificateRepository repository;
    private final io.certfn.store.LeaseManager leases;
    private final ObjectMapper json;
    private final DeliveryPlan plan;
    private final Instance<DeliveryBackend> backendBeans;
    /** Made at the first delivery: a server whose rules deliver nowhere never loads a cloud SDK's classes for it. */
    private volatile Map<String, DeliveryBackend> backends;
    private final CertfnMetrics metrics;
    private final Clock clock;
    private final Map<String, Remembered> memory = new ConcurrentHashMap<>();

    public CertificateDelivery(ObjectStore store, CertificateRepository repository, io.certfn.store.LeaseManager leases, ObjectMapper json,
            DeliveryPlan plan, Instance<DeliveryBackend> backends, CertfnMetrics metrics, Clock clock) {
        this.store = store;
        this.repository = repository;
        this.leases = leases;
        this.json = json;
        this.plan = plan;
        this.backendBeans = backends;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Delivers {@code cert} (stored as {@code id}, its key open) to every target its names have that
     * does not hold this serial yet. Called with the certificate's lease held.
     *
     * @param by who caused it, for the audit line
     * @return the answer's {@code delivery} entries; empty when the certificate has no targets
     */
    public List<DeliveryStatus> deliver(String id, StoredCertificate cert, String by) {
        List<DeliveryTarget> targets = targetsOf(cert);
        if (targets.isEmpty()) {
            return List.of();
        }
        Optional<Versioned> object = store.get(recordKey(id));
        DeliveryRecord record = object.map(this::read).orElse(DeliveryRecord.empty());
        DeliveryRecord updated = record;
        for (DeliveryTarget target : targets) {
            DeliveryRecord.Entry entry = updated.targets().get(target.key());
            if (entry != null && entry.delivered(cert.serial())) {
                continue;
            }
            updated = updated.with(target.key(), attempt(target, id, cert, Optional.ofNullable(entry).map(DeliveryRecord.Entry::id), by));
        }
        if (updated != record) {
            save(id, updated, object);
        }
        List<DeliveryStatus> statuses = statuses(targets, updated, cert.serial());
        boolean settled = statuses.stream().allMatch(s -> s.status().equals(DeliveryStatus.DELIVERED));
        remember(id, cert.serial(), updated, settled);
        mark(id, !settled);
        return statuses;
    }

    private DeliveryRecord.Entry attempt(DeliveryTarget target, String id, StoredCertificate cert, Optional<String> previous, String by) {
        Instant now = clock.instant();
        DeliveryBackend backend = backend(target.kind());
        try {
            if (backend == null) {
                throw new DeliveryException("this build has no " + target.kind() + " client; deliver to it from the build for its cloud");
            }
            String holder = backend.deliver(target, shipment(id, cert), previous);
            metrics.delivered(target.kind());
            AuditLog.delivered(by, cert, target.key(), holder);
            return new DeliveryRecord.Entry(cert.serial(), DeliveryStatus.DELIVERED, holder, null, now);
        } catch (RuntimeException e) {
            // A DeliveryException says what failed; anything else from an SDK is recorded too, so the sweep tries again.
            metrics.deliveryFailed(target.kind());
            LOG.warnf("event=delivery_failed names=%s serial=%s target=%s: %s", cert.names(), cert.serial(), target.key(), e.getMessage());
            String detail = e instanceof DeliveryException ? e.getMessage() : target.kind() + " delivery failed: " + e;
            return new DeliveryRecord.Entry(cert.serial(), DeliveryStatus.FAILED, previous.orElse(null), detail, now);
        }
    }

    private DeliveryBackend backend(String kind) {
        Map<String, DeliveryBackend> known = backends;
        if (known == null) {
            known = backends = backendBeans.stream().collect(Collectors.toMap(DeliveryBackend::kind, b -> b));
        }
        return known.get(kind);
    }

    private static Shipment shipment(String id, StoredCertificate cert) {
        List<java.security.cert.X509Certificate> leafFirst = io.certfn.crypto.Pem.readCertificates(cert.certificate());
        return new Shipment(id, cert.names(), cert.serial(), io.certfn.crypto.Pem.certificates(leafFirst.subList(0, 1)),
                cert.issuerCert(), cert.privateKey());
    }

    /**
     * The answer's {@code delivery} entries for {@code cert}, from memory or the store. A target that
     * has no record for this serial yet (added to the policy since, or delivered by an instance that
     * stopped) is marked for the next sweep.
     */
    public List<DeliveryStatus> status(String id, StoredCertificate cert) {
        List<DeliveryTarget> targets = targetsOf(cert);
        if (targets.isEmpty()) {
            return List.of();
        }
        Optional<List<DeliveryStatus>> known = fromMemory(id, cert, targets);
        if (known.isPresent()) {
            return known.get();
        }
        DeliveryRecord record = store.get(recordKey(id)).map(this::read).orElse(DeliveryRecord.empty());
        List<DeliveryStatus> statuses = statuses(targets, record, cert.serial());
        boolean settled = statuses.stream().allMatch(s -> s.status().equals(DeliveryStatus.DELIVERED));
        remember(id, cert.serial(), record, settled);
        if (statuses.stream().anyMatch(s -> s.status().equals(DeliveryStatus.PENDING))) {
            mark(id, true);
        }
        return statuses;
    }

    /** The entries without touching the store (the event loop's path), when memory knows them. */
    public Optional<List<DeliveryStatus>> statusFromMemory(String id, StoredCertificate cert) {
        List<DeliveryTarget> targets = targetsOf(cert);
        return targets.isEmpty() ? Optional.of(List.of()) : fromMemory(id, cert, targets);
    }

    private Optional<List<DeliveryStatus>> fromMemory(String id, StoredCertificate cert, List<DeliveryTarget> targets) {
        Remembered remembered = memory.get(id);
        if (remembered == null || !remembered.serial().equals(cert.serial())
                || (!remembered.settled() && remembered.readAt().plus(UNSETTLED_FOR).isBefore(clock.instant()))) {
            return Optional.empty();
        }
        return Optional.of(statuses(targets, remembered.record(), cert.serial()));
    }

    private List<DeliveryTarget> targetsOf(StoredCertificate cert) {
        if ("csr".equals(cert.keyType()) || cert.isRevoked()) {
            return List.of();
        }
        return plan.targetsFor(cert.names());
    }

    private static List<DeliveryStatus> statuses(List<DeliveryTarget> targets, DeliveryRecord record, String serial) {
        List<DeliveryStatus> statuses = new ArrayList<>(targets.size());
        targets.forEach(t -> statuses.add(record.statusOf(t.key(), serial)));
        return statuses;
    }

    /**
     * The sweep's part: delivers every certificate marked pending whose names {@code allowed}
     * accepts, under its lease (one held elsewhere is left for the next sweep). A delivery tried at
     * or after {@code since} — by a renewal of this very sweep — is not tried twice, only reported.
     *
     * @return what still failed, for the report
     */
    List<Undelivered> retryPending(java.util.function.Predicate<List<String>> allowed, Instant since, String by) {
        List<Undelivered> failing = new ArrayList<>();
        for (String key : store.list(PENDING)) {
            String id = key.substring(PENDING.length());
            try {
                retry(id, allowed, since, by, failing);
            } catch (RuntimeException e) {
                // One certificate that cannot be read or recorded now does not stop the others; its mark stays.
                LOG.warnf("Renewal sweep: delivery of %s not retried: %s", id, e.toString());
            }
        }
        return failing;
    }

    private void retry(String id, java.util.function.Predicate<List<String>> allowed, Instant since, String by, List<Undelivered> failing) {
        Optional<CertificateRepository.Found> found = repository.find(id, allowed);
        if (found.isEmpty()) {
            mark(id, false); // the certificate is gone
            return;
        }
        StoredCertificate cert = found.get().certificate();
        if (!allowed.test(cert.names())) {
            return;
        }
        List<DeliveryTarget> targets = targetsOf(cert);
        if (targets.isEmpty()) {
            mark(id, false); // its rules no longer deliver it (or it was revoked)
            return;
        }
        DeliveryRecord record = store.get(recordKey(id)).map(this::read).orElse(DeliveryRecord.empty());
        boolean triedNow = record.targets().values().stream().anyMatch(e -> e.serial().equals(cert.serial()) && !e.at().isBefore(since));
        List<DeliveryStatus> statuses = triedNow ? statuses(targets, record, cert.serial()) : deliverUnderLease(id, cert, by);
        statuses.stream().filter(s -> !s.status().equals(DeliveryStatus.DELIVERED))
                .forEach(s -> failing.add(new Undelivered(cert.names(), s.target(), s.detail() != null ? s.detail()
                        : "not delivered yet: its lease is held by another instance")));
    }

    private List<DeliveryStatus> deliverUnderLease(String id, StoredCertificate cert, String by) {
        Optional<io.certfn.store.Lease> lease = leases.tryAcquire(repository.leaseKey(id));
        if (lease.isEmpty()) {
            return statuses(targetsOf(cert), store.get(recordKey(id)).map(this::read).orElse(DeliveryRecord.empty()), "-");
        }
        try (io.certfn.store.Lease held = lease.get()) {
            return deliver(id, cert, by);
        }
    }

    private void mark(String id, boolean pending) {
        String key = StoreKeys.of("deliveries", "pending", id);
        if (pending) {
            store.putIfAbsent(key, new byte[0]);
        } else {
            store.get(key).ifPresent(v -> store.deleteIfVersion(key, v.version()));
        }
    }

    private void remember(String id, String serial, DeliveryRecord record, boolean settled) {
        if (memory.size() >= REMEMBERED) {
            memory.clear();
        }
        memory.put(id, new Remembered(serial, record, clock.instant(), settled));
    }

    private static String recordKey(String id) {
        return StoreKeys.of("certs", id, "delivery.json");
    }

    private DeliveryRecord read(Versioned object) {
        try {
            return json.readValue(object.data(), DeliveryRecord.class);
        } catch (IOException e) {
            // Unreadable: every target is delivered again (ACM then makes a new ARN); said loudly.
            LOG.errorf("Delivery record unreadable, delivering again: %s", e.getMessage());
            return DeliveryRecord.empty();
        }
    }

    /** Written under the certificate's lease: a conflict means another writer outside it, whose record is kept and ours merged over it. */
    private void save(String id, DeliveryRecord record, Optional<Versioned> read) {
        try {
            byte[] data = json.writeValueAsBytes(record);
            Optional<String> written = read.isPresent() ? store.putIfVersion(recordKey(id), data, read.get().version())
                    : store.putIfAbsent(recordKey(id), data);
            if (written.isEmpty()) {
                Optional<Versioned> current = store.get(recordKey(id));
                DeliveryRecord merged = current.map(this::read).orElse(DeliveryRecord.empty());
                for (Map.Entry<String, DeliveryRecord.Entry> e : record.targets().entrySet()) {
                    merged = merged.with(e.getKey(), e.getValue());
                }
                data = json.writeValueAsBytes(merged);
                written = current.isPresent() ? store.putIfVersion(recordKey(id), data, current.get().version())
                        : store.putIfAbsent(recordKey(id), data);
                if (written.isEmpty()) {
                    LOG.warnf("Delivery record of %s changed twice while being written; the next sweep delivers again", id);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write the delivery record of " + id, e);
        }
    }
}
