package io.certfn.certs;

import io.certfn.acme.AcmeIssuer;
import io.certfn.acme.IssuedChain;
import io.certfn.acme.OrderCheckpoint;
import io.certfn.acme.OrderFence;
import io.certfn.acme.OrderRequest;
import io.certfn.acme.RenewalAdvice;
import io.certfn.identity.Caller;
import io.certfn.config.CertfnConfig;
import io.certfn.crypto.Pem;
import io.certfn.error.CertfnException;
import io.certfn.metrics.CertfnMetrics;
import io.certfn.quota.SharedQuotas;
import io.certfn.store.Lease;
import io.certfn.store.LeaseLostException;
import io.certfn.store.LeaseManager;
import jakarta.inject.Singleton;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Serves certificates: from the store while not due, else through one order per certificate
 * across every instance sharing the store. An order runs as a job under the certificate's
 * lease; requests in this process for the same certificate join the running job, and each waits
 * only its own budget before answering {@link Outcome.Pending} while the job goes on.
 */
@Singleton
public class CertificateService {

    private static final Logger LOG = Logger.getLogger(CertificateService.class);

    private final CertificateRepository repository;
    private final CertificateCache cache;
    private final AcmeIssuer issuer;
    private final LeaseManager leases;
    private final RenewalSchedule schedule;
    private final AriRefresh ari;
    private final OrderLimits limits;
    private final SharedQuotas quotas;
    private final Clock clock;
    private final Duration leaseWait;
    private final Duration retryAfter;
    private final Duration failureBackoff;
    private final boolean reuseKey;
    private final CertfnMetrics metrics;
    /** The failures a CA or DNS provider will answer the same way if asked again at once. */
    private static final java.util.Set<String> BACKOFF_CODES = java.util.Set.of("acme_error", "dns_error", "acme_rate_limited",
            "acme_rejected");
    private final Map<String, CompletableFuture<Outcome.Ready>> running = new ConcurrentHashMap<>();
    private final ExecutorService jobs = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "certfn-order");
        t.setDaemon(true);
        return t;
    });

    public CertificateService(CertificateRepository repository, CertificateCache cache, AcmeIssuer issuer,
            LeaseManager leases, RenewalSchedule schedule, AriRefresh ari, OrderLimits limits, SharedQuotas quotas, CertfnConfig config,
            CertfnMetrics metrics, Clock clock) {
        this.clock = clock;
        this.quotas = quotas;
        this.metrics = metrics;
        this.repository = repository;
        this.cache = cache;
        this.issuer = issuer;
        this.leases = leases;
        this.schedule = schedule;
        this.ari = ari;
        this.limits = limits;
        this.leaseWait = config.lease().maxWait();
        this.retryAfter = config.request().retryAfter();
        this.failureBackoff = config.renewal().failureBackoff();
        this.reuseKey = config.renewal().reuseKey();
    }

    /**
     * {@code POST /api/certificate}: the stored certificate if not due, else a new one. Blocks
     * up to {@code budget}.
     */
    public Outcome obtain(Caller caller, CertificateSpec spec, Duration budget) {
        Optional<StoredCertificate> cached = cachedAndNotDue(spec);
        if (cached.isPresent()) {
            return new Outcome.Ready(cached.get(), true);
        }
        String id = spec.storageId();
        // This process already orders it: join that order, which looks at the store itself under the lease.
        Optional<CompletableFuture<Outcome.Ready>> ordering = runningObtain(spec);
        if (ordering.isPresent()) {
            try (OrderLimits.Permit wait = limits.waiting(caller)) {
                return waitFor(ordering.get(), spec, budget);
            }
        }
        Instant now = clock.instant();
        Optional<CertificateRepository.Found> stored = repository.find(spec);
        if (stored.isPresent()) {
            // Lazily, once per the CA's Retry-After: a window the CA moved is seen by the next request.
            StoredCertificate cert = ari.refreshForRequest(id, stored.get());
            if (!schedule.isDue(cert, clock.instant())) {
                cache.put(id, cert, now);
                return new Outcome.Ready(cert, true);
            }
        }
        return await(caller, spec, budget, "obtain");
    }

    /**
     * The order this process is running for {@code spec}, which {@link #obtain} would join; its
     * failure is the {@link CertfnException} {@link #obtain} would throw.
     */
    public Optional<CompletableFuture<Outcome.Ready>> runningOrder(CertificateSpec spec) {
        return runningObtain(spec).map(job -> job.exceptionallyCompose(t -> CompletableFuture.failedFuture(failure(spec, t))));
    }

    private Optional<CompletableFuture<Outcome.Ready>> runningObtain(CertificateSpec spec) {
        return Optional.ofNullable(running.get(jobKey(spec, "obtain")));
    }

    /** What a caller whose wait for {@code spec} ran out is told. */
    public Outcome.Pending pending(CertificateSpec spec) {
        return new Outcome.Pending(spec, retryAfter);
    }

    /**
     * The certificate {@link #obtain} would answer from memory, without touching the store or the
     * CA: none when the certificate is due, or its renewal info may be due for a look.
     */
    public Optional<StoredCertificate> cachedAndNotDue(CertificateSpec spec) {
        Instant now = clock.instant();
        return cache.get(spec.storageId(), now).filter(cert -> !schedule.isDue(cert, now) && !ari.mayBeDue(cert, now));
    }

    /**
     * {@code POST /api/certificate/renew}: a new certificate if the stored one is due or absent.
     *
     * @throws RenewTooSoonException when the stored certificate is not yet due
     */
    public Outcome renew(Caller caller, CertificateSpec spec, Duration budget) {
        Optional<CertificateRepository.Found> stored = repository.find(spec);
        Instant now = clock.instant();
        if (stored.isPresent() && !schedule.isDue(stored.get().certificate(), now)) {
            StoredCertificate cert = stored.get().certificate();
            throw new RenewTooSoonException("The certificate for " + String.join(", ", cert.names()) + " (serial "
                    + cert.serial() + ") is not due for renewal until " + cert.renewAfter() + "; it expires "
                    + cert.notAfter() + ". Renewing early wastes the CA's rate limits.",
                    Duration.between(now, cert.renewAfter()));
        }
        return await(caller, spec, budget, "renew");
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
     * {@code POST /api/certificate/revoke}: revokes the stored certificate of {@code spec} at the CA
     * (with the account; for {@code keyCompromise} signed with the certificate's own key, which the
     * CA then refuses for good) and marks it revoked, under its lease, so that no instance serves
     * it again and the next request orders a new one with a new key. Revoking again is answered
     * with the stored revocation, without asking the CA.
     *
     * @throws CertificateNotFoundException when no certificate is stored for {@code spec}
     */
    public StoredCertificate revoke(Caller caller, CertificateSpec spec, RevocationReason reason) {
        String id = spec.storageId();
        Optional<Lease> taken;
        // Under the caller's wait limit, and never waiting on a running order: a revocation that waited
        // for the lease would hold a worker thread for as long as the order runs.
        try (OrderLimits.Permit wait = limits.waiting(caller)) {
            taken = leases.tryAcquire(repository.leaseKey(id));
        }
        if (taken.isEmpty()) {
            throw new io.certfn.store.LockBusyException("The certificate " + id + " is being ordered (lease "
                    + repository.leaseKey(id) + " is held); revoke it once that order is done.", retryAfter);
        }
        try (Lease lease = taken.get()) {
            CertificateRepository.Found found = repository.find(spec).orElseThrow(() -> new CertificateNotFoundException(
                    "No certificate is stored for " + String.join(", ", spec.names()) + " (key type " + spec.storedKeyType()
                            + spec.profile().map(p -> ", profile " + p).orElse("") + "): there is nothing to revoke."));
            StoredCertificate cert = found.certificate();
            if (cert.isRevoked()) {
                return cert;
            }
            quotas.checkRevocation(spec.names());
            java.security.KeyPair key = cert.privateKey() == null ? null : keyPair(cert);
            issuer.revoke(Pem.readCertificates(cert.certificate()).get(0), key, reason.code(), cert.directory());
            quotas.recordRevocation(spec.names());
            StoredCertificate revoked = cert.revoked(clock.instant(), reason.wireName());
            markRevoked(id, spec, lease, found, revoked);
            cache.forget(id);
            AuditLog.revoked(caller, revoked);
            return revoked;
        }
    }

    /**
     * Stores {@code revoked} over what was found; should another writer have changed the object
     * meanwhile (a reseal after a key rotation), reads it again and marks that, so a certificate the
     * CA revoked is never served as valid.
     */
    private void markRevoked(String id, CertificateSpec spec, Lease lease, CertificateRepository.Found found, StoredCertificate revoked) {
        CertificateRepository.Found current = found;
        for (int attempt = 0; attempt < 5; attempt++) {
            lease.confirm("marking the certificate revoked");
            if (repository.save(id, revoked, current.version())) {
                return;
            }
            Optional<CertificateRepository.Found> again = repository.findStored(spec);
            if (again.isEmpty() || !again.get().certificate().serial().equals(revoked.serial())) {
                return; // replaced by another certificate meanwhile: the revoked one is no longer served
            }
            current = again.get();
        }
        throw new io.certfn.store.StorageUnavailableException("The certificate " + id + " (serial " + revoked.serial()
                + ") was revoked at the CA, but the store kept changing while it was marked revoked; revoke it again to mark it.", null);
    }

    /**
     * Joins the running job for {@code spec} or starts one; a new job counts against the caller's
     * {@link OrderLimits}, and so does the wait.
     */
    private Outcome await(Caller caller, CertificateSpec spec, Duration budget, String mode) {
        try (OrderLimits.Permit wait = limits.waiting(caller)) {
            String jobKey = jobKey(spec, mode);
            CompletableFuture<Outcome.Ready> job = running.get(jobKey);
            if (job == null) {
                OrderLimits.Permit order = limits.startOrder(caller);
                CompletableFuture<Outcome.Ready> mine = new CompletableFuture<>();
                job = running.putIfAbsent(jobKey, mine);
                if (job != null) {
                    order.close(); // another request started it meanwhile: join that one
                } else {
                    job = mine;
                    start(caller, spec, jobKey, mine, order, mode.equals("renew"));
                }
            }
            return waitFor(job, spec, budget);
        }
    }

    private void start(Caller caller, CertificateSpec spec, String jobKey, CompletableFuture<Outcome.Ready> mine, OrderLimits.Permit order,
            boolean renewal) {
        try {
            jobs.execute(() -> {
                try {
                    Outcome.Ready result = order(caller, spec, renewal);
                    running.remove(jobKey, mine);
                    mine.complete(result);
                } catch (Throwable t) {
                    running.remove(jobKey, mine);
                    mine.completeExceptionally(t);
                } finally {
                    order.close();
                }
            });
        } catch (RuntimeException e) {
            running.remove(jobKey, mine);
            order.close();
            mine.completeExceptionally(e);
        }
    }

    private static String jobKey(CertificateSpec spec, String mode) {
        return spec.storageId() + "|" + mode;
    }

    /** The job's certificate if it comes within {@code budget}, else {@link Outcome.Pending}. */
    private Outcome waitFor(CompletableFuture<Outcome.Ready> job, CertificateSpec spec, Duration budget) {
        try {
            return job.get(Math.max(0, budget.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Outcome.Pending(spec, retryAfter);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Pending(spec, retryAfter);
        } catch (ExecutionException e) {
            throw failure(spec, e.getCause());
        }
    }

    private static RuntimeException failure(CertificateSpec spec, Throwable cause) {
        return cause instanceof CertfnException known ? known : new IllegalStateException("Ordering " + spec.names() + " failed", cause);
    }

    /**
     * One order under the lease. Should this instance stall mid-order long enough for another to
     * take the lease over, it stops at its next side effect and serves what that one stores.
     */
    private Outcome.Ready order(Caller caller, CertificateSpec spec, boolean renewal) throws InterruptedException {
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
            Optional<FailureRecord> failed = repository.failure(id);
            Instant now = clock.instant();
            if (failed.isPresent() && failed.get().active(now)) {
                Optional<StoredCertificate> stillValid = current.map(CertificateRepository.Found::certificate)
                        .filter(cert -> cert.notAfter().isAfter(now) && issuer.configured(cert.directory()) && !cert.isRevoked());
                if (!renewal && stillValid.isPresent()) {
                    return new Outcome.Ready(stillValid.get(), true);
                }
                throw backoff(spec, id, failed.get(), now);
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
                        spec.csr().map(ClientCsr::der), spec.profile(), replaces), checkpoint, fence);
            } catch (CertfnException e) {
                metrics.issuanceFailed(e.code());
                recordFailure(spec, id, checkpoint, e);
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
            if (failed.isPresent()) {
                repository.clearFailure(id);
            }
            cache.put(id, cert, clock.instant());
            Duration took = Duration.between(started, clock.instant());
            metrics.issued(current.isPresent() ? "renewed" : "issued", took);
            AuditLog.issued(caller, cert, current.isPresent(), took);
            return new Outcome.Ready(cert, false);
        }
    }

    /**
     * Remembers a failed order in the store, so that no instance orders {@code id} again before
     * its backoff ends: a CA's refusal or failed validation, a DNS failure, a rate limit. Not an
     * order the next request can resume (its checkpoint is still there), nor a store or lease problem.
     */
    private void recordFailure(CertificateSpec spec, String id, OrderCheckpoint checkpoint, CertfnException e) {
        // A missing EAB setting is the server's, not the name's: the restart that fixes it must not meet a backoff.
        if (!BACKOFF_CODES.contains(e.code()) || e.reason().filter("externalAccountRequired"::equals).isPresent()) {
            return;
        }
        try {
            if (checkpoint.load().isPresent()) {
                return;
            }
            FailureRecord record = repository.recordFailure(id,
                    previous -> FailureRecord.after(previous, e.code(), e.getMessage(), clock.instant(), failureBackoff, e.retryAfter()));
            LOG.warnf("Order for %s failed (%d in a row): no instance orders it again before %s", spec.names(), record.count(),
                    record.notBefore());
        } catch (RuntimeException storeFailed) {
            LOG.warnf("Could not record the failed order for %s: %s", spec.names(), storeFailed.getMessage());
        }
    }

    private static IssuanceBackoffException backoff(CertificateSpec spec, String id, FailureRecord failed, Instant now) {
        return new IssuanceBackoffException("The last order for " + String.join(", ", spec.names()) + " failed at " + failed.failedAt()
                + " (" + failed.code() + ": " + failed.detail() + "). No certfn instance orders it again before " + failed.notBefore()
                + " (failure " + failed.count() + " in a row; certfn.renewal.failure-backoff, doubling up to 6 h). Fix the cause, or "
                + "delete certs/" + id + "/failure.json from the store to try at once.", Duration.between(now, failed.notBefore()));
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

    private static java.security.KeyPair keyPair(StoredCertificate cert) {
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
                spec.profile().orElse(null),
                chain.advice().map(RenewalAdvice::askAgainAfter).orElse(null),
                null,
                null);
    }
}
