package io.certfn.certs;

import io.certfn.acme.AcmeIssuer;
import io.certfn.acme.IssuedChain;
import io.certfn.acme.OrderCheckpoint;
import io.certfn.acme.OrderFence;
import io.certfn.acme.OrderRequest;
import io.certfn.acme.RenewalAdvice;
import io.certfn.crypto.Pem;
import io.certfn.error.CertfnException;
import io.certfn.identity.Caller;
import io.certfn.metrics.CertfnMetrics;
import io.certfn.store.Lease;
import io.certfn.store.LeaseConfig;
import io.certfn.store.LeaseLostException;
import io.certfn.store.LeaseManager;
import jakarta.inject.Singleton;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * One order of a certificate under its lease in the store (docs/design.md §5): take the lease
 * (or serve what its holder stores meanwhile), look again, honour the failure backoff, charge the
 * shared quotas when the CA will count the order as new, order or resume, store, release. The
 * lease's fence is checked before each side effect, so an instance that stalled never interferes
 * with the one that took over.
 */
@Singleton
public class LeasedIssuance {

    private static final Logger LOG = Logger.getLogger(LeasedIssuance.class);

    private final CertificateRepository repository;
    private final CertificateCache cache;
    private final AcmeIssuer issuer;
    private final LeaseManager leases;
    private final RenewalSchedule schedule;
    private final OrderLimits limits;
    private final IssuanceBackoff backoff;
    private final CertfnMetrics metrics;
    private final CertificateDelivery delivery;
    private final Clock clock;
    private final Duration leaseWait;
    private final boolean reuseKey;

    public LeasedIssuance(CertificateRepository repository, CertificateCache cache, AcmeIssuer issuer, LeaseManager leases,
            RenewalSchedule schedule, OrderLimits limits, IssuanceBackoff backoff, CertfnMetrics metrics, CertificateDelivery delivery, LeaseConfig lease, RenewalConfig renewal,
            Clock clock) {
        this.delivery = delivery;
        this.repository = repository;
        this.cache = cache;
        this.issuer = issuer;
        this.leases = leases;
        this.schedule = schedule;
        this.limits = limits;
        this.backoff = backoff;
        this.metrics = metrics;
        this.clock = clock;
        this.leaseWait = lease.maxWait();
        this.reuseKey = renewal.reuseKey();
    }

    /**
     * One order under the lease. Should this instance stall mid-order long enough for another to
     * take the lease over, it stops at its next side effect and serves what that one stores.
     */
    Outcome.Ready order(Caller caller, CertificateSpec spec, boolean renewal) throws InterruptedException {
        try {
            return orderUnderLease(caller, spec, renewal);
        } catch (LeaseLostException e) {
            LOG.warnf("Order for %s stopped, its lease lost; waiting for the instance that took over to store the certificate",
                    spec.storageId());
            return orderUnderLease(caller, spec, renewal);
        }
    }

    /**
     * Look again, order or resume, store, release. {@code renewal}: for {@code /renew} and the
     * sweep, which want a new certificate; a request is served a still valid one while ordering
     * backs off after failures.
     */
    private Outcome.Ready orderUnderLease(Caller caller, CertificateSpec spec, boolean renewal) throws InterruptedException {
        String id = spec.storageId();
        Instant started = clock.instant();
        LOG.debugf("Job for %s started", id);
        // While another instance orders it, what that instance stores is served as soon as it is stored.
        AtomicReference<StoredCertificate> storedMeanwhile = new AtomicReference<>();
        long waitStarted = System.nanoTime();
        Optional<Lease> taken = leases.acquireUnless(repository.leaseKey(id), leaseWait, () -> {
            repository.findStored(spec).map(CertificateRepository.Found::certificate)
                    .filter(cert -> !schedule.isDue(cert, clock.instant())).ifPresent(storedMeanwhile::set);
            return storedMeanwhile.get() != null;
        });
        metrics.leaseWait(Duration.ofNanos(System.nanoTime() - waitStarted), taken.isPresent());
        if (taken.isEmpty()) {
            LOG.debugf("%s was stored by the instance holding its lease", id);
            cache.put(id, storedMeanwhile.get(), clock.instant());
            return new Outcome.Ready(storedMeanwhile.get(), true);
        }
        try (Lease lease = taken.get()) {
            LOG.debugf("Lease for %s acquired", id);
            Optional<CertificateRepository.Found> current = repository.findStored(spec);
            if (current.isPresent() && !schedule.isDue(current.get().certificate(), clock.instant())) {
                cache.put(id, current.get().certificate(), clock.instant());
                return new Outcome.Ready(current.get().certificate(), true);
            }
            Instant now = clock.instant();
            // Read once: whether ordering must wait now, and whether a success has a record to clear.
            Optional<FailureRecord> recorded = backoff.recorded(spec);
            Optional<FailureRecord> failed = recorded.filter(record -> record.active(now));
            if (failed.isPresent()) {
                Optional<StoredCertificate> stillValid = current.map(CertificateRepository.Found::certificate)
                        .filter(cert -> cert.notAfter().isAfter(now) && issuer.configured(cert.directory()) && !cert.isRevoked());
                if (!renewal && stillValid.isPresent()) {
                    return new Outcome.Ready(stillValid.get(), true);
                }
                throw IssuanceBackoff.refusal(spec, failed.get(), now);
            }
            OrderFence fence = lease::confirm;
            OrderCheckpoint checkpoint = repository.checkpoint(id);
            discardIfAlreadyStored(checkpoint.fencedBy(fence), current);
            if (checkpoint.load().isEmpty() && countedAsNew(current)) {
                // Here, under the lease and with no order to resume, exactly one charge per order the CA counts as new:
                // a stampede of requests on many instances is one order, and one charge.
                limits.chargeNewCertificate(caller, spec.names());
            }
            // Named in replaces only at the CA and account that issued it (the issuer decides), never once revoked.
            Optional<OrderRequest.Replaced> replaces = current.map(CertificateRepository.Found::certificate).filter(cert -> !cert.isRevoked())
                    .map(cert -> new OrderRequest.Replaced(Pem.readCertificates(cert.certificate()).get(0), cert.directory(), cert.account()));
            IssuedChain chain;
            try (CertfnMetrics.InFlight order = metrics.orderStarted()) {
                chain = issuer.issue(new OrderRequest(spec.names(), keyFor(spec, current),
                        spec.csr().map(ClientCsr::der), spec.orderProfile(), replaces), checkpoint, fence);
            } catch (CertfnException e) {
                metrics.issuanceFailed(e.code());
                backoff.record(spec, checkpoint, e);
                throw e;
            }
            LOG.debugf("Issued %s; storing it", id);
            StoredCertificate cert = toStored(spec, chain);
            lease.confirm("storing the certificate");
            if (!repository.save(id, cert, current.map(CertificateRepository.Found::version).orElse(null))) {
                LOG.warnf("Certificate %s was written by another instance while this one held no valid lease (%s); serving the stored one",
                        id, lease.isHeld() ? "held" : "lost");
                return repository.findStored(spec).map(f -> new Outcome.Ready(f.certificate(), true))
                        .orElse(new Outcome.Ready(cert, false));
            }
            LOG.debugf("Stored %s", id);
            // Cleaned up before anyone is answered: a serverless host may freeze the process right after.
            checkpoint.fencedBy(fence).discard();
            if (recorded.isPresent()) {
                backoff.clear(spec);
            }
            cache.put(id, cert, clock.instant());
            Duration took = Duration.between(started, clock.instant());
            metrics.issued(current.isPresent() ? "renewed" : "issued", took);
            AuditLog.issued(caller, cert, current.isPresent(), took);
            deliver(id, cert, caller);
            return new Outcome.Ready(cert, false);
        }
    }

    /**
     * Under the lease, before anyone is answered: the answer names where it went. Whatever goes wrong
     * here, the caller still gets its certificate; the sweep delivers what is marked pending.
     */
    private void deliver(String id, StoredCertificate cert, Caller caller) {
        try {
            delivery.deliver(id, cert, caller.describe());
        } catch (RuntimeException e) {
            LOG.warnf("Delivery of %s after its issuance failed (the next sweep delivers it): %s", cert.names(), e.toString());
        }
    }

    /**
     * True when the CA will count an order for {@code stored} as a new certificate: nothing stored,
     * or nothing it may name in ARI's {@code replaces} (revoked, or from a CA no longer configured).
     */
    private boolean countedAsNew(Optional<CertificateRepository.Found> stored) {
        return stored.map(CertificateRepository.Found::certificate)
                .map(cert -> cert.isRevoked() || !issuer.configured(cert.directory())).orElse(true);
    }

    /**
     * The key of the new certificate: a new one, or with {@code certfn.renewal.reuse-key} the one
     * of the certificate it renews — never one of a revoked certificate, whatever the reason.
     */
    private java.util.function.Supplier<java.security.KeyPair> keyFor(CertificateSpec spec, Optional<CertificateRepository.Found> current) {
        Optional<StoredCertificate> renewed = current.map(CertificateRepository.Found::certificate)
                .filter(cert -> reuseKey && cert.privateKey() != null && !cert.isRevoked());
        if (renewed.isEmpty()) {
            return spec.keyType()::generate;
        }
        java.security.KeyPair kept = keyPair(renewed.get());
        return () -> kept;
    }

    static java.security.KeyPair keyPair(StoredCertificate cert) {
        return new java.security.KeyPair(Pem.readCertificates(cert.certificate()).get(0).getPublicKey(), Pem.readPrivateKey(cert.privateKey()));
    }

    /** A checkpoint left by a crash after the certificate was stored belongs to that certificate. */
    private static void discardIfAlreadyStored(OrderCheckpoint checkpoint, Optional<CertificateRepository.Found> current) {
        checkpoint.load().ifPresent(pending -> {
            if (current.isPresent() && pending.orderUrl().equals(current.get().certificate().orderUrl())) {
                checkpoint.discard();
            }
        });
    }

    private StoredCertificate toStored(CertificateSpec spec, IssuedChain chain) {
        X509Certificate leaf = chain.leaf();
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        return new StoredCertificate(
                spec.names(),
                spec.csr().isPresent() ? "csr" : spec.keyType().wireName(),
                Pem.certificates(java.util.List.of(leaf)),
                Pem.certificates(chain.chain().subList(1, chain.chain().size())),
                chain.keyPair() == null ? null : Pem.privateKey(chain.keyPair().getPrivate()),
                notBefore,
                notAfter,
                schedule.renewAfter(notBefore, notAfter, chain.advice().flatMap(RenewalAdvice::renewAt)),
                leaf.getSerialNumber().toString(16),
                clock.instant(),
                chain.orderUrl(),
                chain.directory(),
                chain.account(),
                spec.orderProfile().orElse(null),
                chain.advice().map(RenewalAdvice::askAgainAfter).orElse(null),
                null,
                null);
    }
}
