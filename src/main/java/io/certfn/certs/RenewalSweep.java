package io.certfn.certs;

import io.certfn.identity.Caller;
import io.certfn.crypto.KeyType;
import io.certfn.error.CertfnException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.jboss.logging.Logger;

/**
 * Renews every stored certificate that is due (docs/design.md §2's rule), for a platform scheduler
 * (EventBridge, an Azure timer, Cloud Scheduler). Each renewal goes through the same lease as a
 * request, so a sweep and a caller (or two sweeps) never order one certificate twice. A failure
 * is counted and reported, and the sweep goes on; it stops early only when its time is up.
 *
 * <p>Longer than ~250 lines because its two phases — reading what the due index names (grant,
 * ARI, due, abandoned) and renewing what is due a few at a time — share one tally and one piece of
 * due-index bookkeeping, and its report types are the API's (the AWS and Azure schedules return them);
 * it also decides which request a stored certificate answers (a changed default profile moves it)
 * and counts what the deploy templates' alarms read from its log line.
 */
@Singleton
public class RenewalSweep {

    private static final Logger LOG = Logger.getLogger(RenewalSweep.class);

    /** One certificate that could not be renewed, and why. */
    // Returned inside a Response, which a native build cannot see through: kept for Jackson explicitly.
    @RegisterForReflection
    public record Failure(List<String> domains, String code, String detail) {
    }

    /**
     * What a sweep did with the certificates the caller may renew (others are not counted, so the
     * report says nothing about them): {@code checked} certificates the due index named (every
     * stored one on a store's first sweep), of which {@code renewed} got a
     * new one, {@code notDue} were not due, {@code clientKey} hold a client's key (CSR: the client
     * renews them), {@code failed} failed, {@code deferred} were due but not reached or not
     * finished in time, and {@code abandoned} are due but have failed for longer than their lifetime;
     * {@code undelivered} deliveries to the policy's targets still fail after this sweep tried them
     * again ({@code deliveryFailures} says which and why).
     */
    @RegisterForReflection
    public record Report(int checked, int renewed, int notDue, int clientKey, int failed, int deferred,
            List<Failure> failures, int abandoned, List<Abandoned> abandonedCertificates, int undelivered,
            List<CertificateDelivery.Undelivered> deliveryFailures) {
    }

    /**
     * A certificate whose orders have failed for longer than its whole lifetime (a name moved to
     * another provider, a zone deleted): the sweep no longer renews it; a request for it orders again.
     */
    @RegisterForReflection
    public record Abandoned(List<String> domains, Instant failingSince, String lastCode) {
    }

    /** What one sweep counted; renewals running at once count under its lock. */
    private static final class Tally {
        int checked;
        int renewed;
        int notDue;
        int notAllowed; // logged, never reported: the report speaks only of what the caller may renew
        int clientKey;
        int deferred;
        int overdue; // due and still not renewed after this sweep: what the deploy templates' alarms count
        int expiring; // of those, certificates in the last certfn.renewal.emergency-share of their lifetime
        final List<Failure> failures = new ArrayList<>();
        final List<Abandoned> abandoned = new ArrayList<>();
    }

    /** A certificate the sweep found due, to be renewed in phase two. */
    private record Due(String id, StoredCertificate certificate, CertificateSpec spec) {
    }

    /**
     * Reads {@code id} and looks at its renewal info; the certificate as it stands (empty: none
     * readable), unless it is due and renewable, in which case it is added to {@code due} instead.
     */
    private Optional<StoredCertificate> look(Caller caller, BiPredicate<Caller, List<String>> allowed, String id, Tally tally,
            List<Due> due) {
        Optional<StoredCertificate> stored;
        try {
            // The grant is checked on the names before the key is opened or the CA asked: a caller with one
            // name costs no decryption and no renewal-info request for the others.
            Optional<CertificateRepository.Found> found = repository.find(id, names -> allowed.test(caller, names));
            if (found.isPresent() && !allowed.test(caller, found.get().certificate().names())) {
                StoredCertificate other = found.get().certificate();
                if (!other.isRevoked()) {
                    metrics.certificate(id, other.names().get(0), other.notBefore(), other.notAfter(), other.renewAfter());
                }
                tally.notAllowed++;
                return Optional.of(other);
            }
            stored = found.map(f -> ari.refresh(id, f));
        } catch (CertfnException e) {
            // Whose it is cannot be known, so it is logged for the operator, not reported to the caller.
            LOG.warnf("Renewal sweep: certificate %s cannot be read: %s %s", id, e.code(), e.getMessage());
            return Optional.empty();
        }
        if (stored.isEmpty()) {
            return stored;
        }
        StoredCertificate cert = stored.get();
        if (!cert.isRevoked()) {
            metrics.certificate(id, cert.names().get(0), cert.notBefore(), cert.notAfter(), cert.renewAfter());
        }
        tally.checked++;
        if (!schedule.isDue(cert, clock.instant())) {
            tally.notDue++;
            return stored;
        }
        if ("csr".equals(cert.keyType())) {
            tally.clientKey++;
            return stored;
        }
        CertificateSpec spec = specOf(id, cert); // built once: its ids are hashes, and renew() needs it again
        Optional<FailureRecord> failing = backoff.recorded(spec);
        Duration lifetime = Duration.between(cert.notBefore(), cert.notAfter());
        if (failing.isPresent() && failing.get().failingSince().plus(lifetime).isBefore(clock.instant())) {
            // Ordering it again would fail again and count against the CA's limits for the names and the account.
            tally.abandoned.add(new Abandoned(cert.names(), failing.get().failingSince(), failing.get().code()));
            leftDue(cert, tally);
            LOG.warnf("Renewal sweep: %s has failed since %s, longer than its lifetime (%s): no longer renewed by the sweep; "
                    + "a request for it orders again", cert.names(), failing.get().failingSince(), lifetime);
            return stored;
        }
        due.add(new Due(id, cert, spec));
        return Optional.empty();
    }

    /**
     * {@code certfn.renewal.concurrency}, at most {@code certfn.limits.orders-per-caller}: the sweep's
     * caller is counted like any other, so more would make the sweep's own renewals {@code 429}.
     */
    static int concurrency(RenewalConfig config, io.certfn.quota.LimitsConfig limits) {
        int wanted = Math.max(1, config.concurrency());
        int allowed = Math.max(1, limits.ordersPerCaller());
        if (wanted > allowed) {
            LOG.warnf("certfn.renewal.concurrency=%d is above certfn.limits.orders-per-caller=%d, which counts the sweep's caller "
                    + "too: a sweep renews %d at a time", wanted, allowed, allowed);
        }
        return Math.min(wanted, allowed);
    }

    /** Counts {@code cert}, due, as left so by this sweep, and whether it is close to expiring. */
    private void leftDue(StoredCertificate cert, Tally tally) {
        Duration remaining = Duration.between(clock.instant(), cert.notAfter());
        boolean expiring = remaining.toMillis() < cert.lifetime().toMillis() * emergencyShare;
        synchronized (tally) {
            tally.overdue++;
            if (expiring) {
                tally.expiring++;
            }
        }
    }

    /**
     * The request {@code cert}, stored as {@code id}, answers. One stored where a request without a
     * profile keeps its certificate is renewed as that request, with today's {@code
     * certfn.acme.profile}: a changed default moves it at this renewal (naming it in {@code
     * replaces}) instead of leaving it renewed beside the new default's. Any other keeps its profile.
     */
    private CertificateSpec specOf(String id, StoredCertificate cert) {
        CertificateSpec unnamed = new CertificateSpec(cert.names(), KeyType.parse(cert.keyType()), Optional.empty(), Optional.empty(),
                defaultProfile);
        if (cert.profile() == null || unnamed.storageId().equals(id) || unnamed.legacyStorageIds().contains(id)) {
            return unnamed;
        }
        return new CertificateSpec(cert.names(), KeyType.parse(cert.keyType()), Optional.empty(), Optional.of(cert.profile()), defaultProfile);
    }

    /** Renews one due certificate within {@code deadline}; the certificate as it stands afterwards. */
    private Optional<StoredCertificate> renew(Caller caller, Instant deadline, Due due, Tally tally) {
        StoredCertificate cert = due.certificate();
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            synchronized (tally) {
                tally.deferred++;
            }
            leftDue(cert, tally);
            return Optional.of(cert);
        }
        try {
            Outcome outcome = certificates.renew(caller, due.spec(), left);
            synchronized (tally) {
                if (outcome instanceof Outcome.Ready) {
                    tally.renewed++;
                } else {
                    tally.deferred++;
                }
            }
            if (!(outcome instanceof Outcome.Ready)) {
                leftDue(cert, tally);
            }
            return outcome instanceof Outcome.Ready ready ? Optional.of(ready.certificate()) : Optional.of(cert);
        } catch (RenewTooSoonException e) {
            // Another instance renewed it since this sweep read it: its save wrote the current entry.
            synchronized (tally) {
                tally.notDue++;
            }
            return repository.find(due.id()).map(CertificateRepository.Found::certificate);
        } catch (CertfnException e) {
            synchronized (tally) {
                tally.failures.add(new Failure(cert.names(), e.code(), e.getMessage()));
            }
            leftDue(cert, tally);
            LOG.warnf("Renewal sweep: %s failed: %s %s", cert.names(), e.code(), e.getMessage());
            return Optional.of(cert);
        }
    }

    private final CertificateRepository repository;
    private final CertificateService certificates;
    private final RenewalSchedule schedule;
    private final AriRefresh ari;
    private final IssuanceBackoff backoff;
    private final CertificateDelivery delivery;

    private final io.certfn.metrics.CertfnMetrics metrics;
    private final int concurrency;
    private final Optional<String> defaultProfile;
    private final double emergencyShare;
    private final Clock clock;

    public RenewalSweep(CertificateRepository repository, CertificateService certificates, RenewalSchedule schedule, AriRefresh ari,
            IssuanceBackoff backoff, CertificateDelivery delivery, io.certfn.metrics.CertfnMetrics metrics, RenewalConfig config,
            io.certfn.quota.LimitsConfig limits, io.certfn.acme.AcmeConfig acme, Clock clock) {
        this.delivery = delivery;
        this.defaultProfile = acme.defaultProfile();
        this.emergencyShare = config.emergencyShare();
        this.backoff = backoff;
        this.concurrency = concurrency(config, limits);
        this.clock = clock;
        this.metrics = metrics;
        this.repository = repository;
        this.certificates = certificates;
        this.schedule = schedule;
        this.ari = ari;
    }

    /**
     * Renews what is due and {@code allowed} for {@code caller}, within {@code budget}. Only the
     * certificates the due index names up to now are read (see {@link CertificateRepository#dueKey}),
     * so a sweep's store reads grow with what is due, not with what is stored; the first sweep of a
     * store written before the index existed reads them all and builds it. Certificates not allowed
     * are passed over without reading further or counting them.
     */
    public Report sweep(Caller caller, BiPredicate<Caller, List<String>> allowed, Duration budget) {
        Instant started = clock.instant();
        Instant deadline = started.plus(budget);
        Tally tally = new Tally();
        boolean indexed = repository.dueIndexBuilt();
        Map<String, List<String>> entries = new LinkedHashMap<>();
        if (indexed) {
            for (String entry : repository.dueEntries(clock.instant())) {
                entries.computeIfAbsent(CertificateRepository.idOfDueEntry(entry), id -> new ArrayList<>()).add(entry);
            }
        } else {
            LOG.infof("Renewal sweep: building the due index over every stored certificate (once per store)");
            repository.ids().forEach(id -> entries.put(id, List.of()));
        }
        List<Due> due = new ArrayList<>();
        for (Map.Entry<String, List<String>> listed : entries.entrySet()) {
            String id = listed.getKey();
            int dueBefore = due.size();
            Optional<StoredCertificate> latest = look(caller, allowed, id, tally, due);
            if (due.size() == dueBefore) {
                settleIndex(id, latest, listed.getValue(), indexed);
            }
        }
        // Earliest expiry first: after a mass revocation the certificates closest to expiring must not wait behind the others.
        due.sort(Comparator.comparing((Due d) -> d.certificate().notAfter()));
        renewAll(caller, deadline, due, entries, indexed, tally);
        if (!indexed) {
            repository.markDueIndexBuilt();
        }
        List<CertificateDelivery.Undelivered> undelivered = delivery.retryPending(names -> allowed.test(caller, names), started,
                caller.describe());
        Report report = new Report(tally.checked, tally.renewed, tally.notDue, tally.clientKey, tally.failures.size(), tally.deferred,
                List.copyOf(tally.failures), tally.abandoned.size(), List.copyOf(tally.abandoned), undelivered.size(), undelivered);
        metrics.abandoned(tally.abandoned.size());
        // The deploy templates' alarms match this line's text ("event=sweep" without "failed=0", "overdue=0",
        // "expiring=0") on every cloud's log reader: keep its field names and their order.
        LOG.infof("event=sweep caller=%s indexed=%s listed=%d checked=%d renewed=%d notDue=%d notAllowed=%d clientKey=%d failed=%d "
                + "deferred=%d abandoned=%d overdue=%d expiring=%d undelivered=%d", caller.describe(), indexed, entries.size(), tally.checked,
                tally.renewed, tally.notDue, tally.notAllowed, tally.clientKey, tally.failures.size(), tally.deferred, tally.abandoned.size(),
                tally.overdue, tally.expiring, undelivered.size());
        return report;
    }

    /** Renews {@code due} in order, {@code certfn.renewal.concurrency} at once, each as it finishes settling its index entries. */
    private void renewAll(Caller caller, Instant deadline, List<Due> due, Map<String, List<String>> entries, boolean indexed, Tally tally) {
        if (due.isEmpty()) {
            return;
        }
        int threads = Math.min(concurrency, due.size());
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < due.size(); i = next.getAndIncrement()) {
                Due one = due.get(i);
                settleIndex(one.id(), renew(caller, deadline, one, tally), entries.get(one.id()), indexed);
            }
        };
        List<Thread> workers = new ArrayList<>();
        for (int i = 1; i < threads; i++) {
            Thread thread = new Thread(worker, "certfn-sweep-" + i);
            thread.start();
            workers.add(thread);
        }
        worker.run(); // the sweep's own thread renews too
        for (Thread thread : workers) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while renewing", e);
            }
        }
    }

    /** Makes the due index name {@code id} as {@code latest} stands, dropping the entries the sweep listed for it that are stale. */
    private void settleIndex(String id, Optional<StoredCertificate> latest, List<String> listed, boolean indexed) {
        if (!indexed) {
            latest.ifPresent(cert -> repository.indexDue(id, cert));
        }
        for (String entry : listed) {
            if (latest.isEmpty() || !entry.equals(CertificateRepository.dueKey(id, latest.get()))) {
                // The certificate moved on (renewed, ARI) or is gone: its current entry is made sure of before this one goes.
                latest.ifPresent(cert -> repository.indexDue(id, cert));
                repository.dropDueEntry(entry);
            }
        }
    }
}
