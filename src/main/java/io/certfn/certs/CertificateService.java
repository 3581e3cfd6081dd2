package io.certfn.certs;

import io.certfn.error.CertfnException;
import io.certfn.identity.Caller;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Serves certificates: from the store while not due, else through one order per certificate
 * across every instance sharing the store. An order runs as a job under the certificate's
 * lease; requests in this process for the same certificate join the running job, and each waits
 * only its own budget before answering {@link Outcome.Pending} while the job goes on. The rooms
 * behind it: {@link OrderJobs} (the job table), {@link LeasedIssuance} (one order under the lease),
 * {@link IssuanceBackoff} (failures), {@link CertificateRevocation} (revoking).
 */
@Singleton
public class CertificateService {

    private final CertificateRepository repository;
    private final CertificateCache cache;
    private final RenewalSchedule schedule;
    private final AriRefresh ari;
    private final OrderLimits limits;
    private final OrderJobs jobs;
    private final LeasedIssuance issuance;
    private final Duration retryAfter;
    private final Clock clock;

    public CertificateService(CertificateRepository repository, CertificateCache cache, RenewalSchedule schedule, AriRefresh ari,
            OrderLimits limits, OrderJobs jobs, LeasedIssuance issuance, RequestConfig config, Clock clock) {
        this.repository = repository;
        this.cache = cache;
        this.schedule = schedule;
        this.ari = ari;
        this.limits = limits;
        this.jobs = jobs;
        this.issuance = issuance;
        this.retryAfter = config.retryAfter();
        this.clock = clock;
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
        return jobs.running(jobKey(spec, "obtain"));
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
     * Joins the running job for {@code spec} or starts one; a new job counts against the caller's
     * {@link OrderLimits}, and so does the wait.
     */
    private Outcome await(Caller caller, CertificateSpec spec, Duration budget, String mode) {
        try (OrderLimits.Permit wait = limits.waiting(caller)) {
            CompletableFuture<Outcome.Ready> job = jobs.joinOrStart(jobKey(spec, mode), () -> limits.startOrder(caller),
                    () -> issuance.order(caller, spec, mode.equals("renew")));
            return waitFor(job, spec, budget);
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








}
