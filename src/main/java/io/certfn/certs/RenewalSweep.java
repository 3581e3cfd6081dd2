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
     * renews them), {@code failed} failed, and {@code deferred} were due but not reached or not
     * finished in time.
     */
    @RegisterForReflection
    public record Report(int checked, int renewed, int notDue, int clientKey, int failed, int deferred,
            List<Failure> failures) {
    }

    /** What one sweep counted. */
    private static final class Tally {
        int checked;
        int renewed;
        int notDue;
        int notAllowed; // logged, never reported: the report speaks only of what the caller may renew
        int clientKey;
        int deferred;
        final List<Failure> failures = new ArrayList<>();
    }

    /**
     * Reads {@code id}, looks at its renewal info, and renews it when due and allowed; the
     * certificate as it stands afterwards (empty: none readable), whose due-index entry is current.
     */
    private Optional<StoredCertificate> visit(Caller caller, BiPredicate<Caller, List<String>> allowed, Instant deadline, String id,
            Tally tally) {
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
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            tally.deferred++;
            return stored;
        }
        try {
            CertificateSpec spec = new CertificateSpec(cert.names(), KeyType.parse(cert.keyType()), Optional.empty(),
                    Optional.ofNullable(cert.profile()));
            Outcome outcome = certificates.renew(caller, spec, left);
            if (outcome instanceof Outcome.Ready ready) {
                tally.renewed++;
                return Optional.of(ready.certificate());
            }
            tally.deferred++;
        } catch (RenewTooSoonException e) {
            // Another instance renewed it since this sweep read it: its save wrote the current entry.
            tally.notDue++;
            return repository.find(id).map(CertificateRepository.Found::certificate);
        } catch (CertfnException e) {
            tally.failures.add(new Failure(cert.names(), e.code(), e.getMessage()));
            LOG.warnf("Renewal sweep: %s failed: %s %s", cert.names(), e.code(), e.getMessage());
        }
        return stored;
    }

    private final CertificateRepository repository;
    private final CertificateService certificates;
    private final RenewalSchedule schedule;
    private final AriRefresh ari;

    private final io.certfn.metrics.CertfnMetrics metrics;
    private final Clock clock;

    public RenewalSweep(CertificateRepository repository, CertificateService certificates, RenewalSchedule schedule, AriRefresh ari,
            io.certfn.metrics.CertfnMetrics metrics, Clock clock) {
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
        Instant deadline = clock.instant().plus(budget);
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
        for (Map.Entry<String, List<String>> listed : entries.entrySet()) {
            String id = listed.getKey();
            Optional<StoredCertificate> latest = visit(caller, allowed, deadline, id, tally);
            if (!indexed) {
                latest.ifPresent(cert -> repository.indexDue(id, cert));
            }
            for (String entry : listed.getValue()) {
                if (latest.isEmpty() || !entry.equals(CertificateRepository.dueKey(id, latest.get()))) {
                    // The certificate moved on (renewed, ARI) or is gone: its current entry is made sure of before this one goes.
                    latest.ifPresent(cert -> repository.indexDue(id, cert));
                    repository.dropDueEntry(entry);
                }
            }
        }
        if (!indexed) {
            repository.markDueIndexBuilt();
        }
        Report report = new Report(tally.checked, tally.renewed, tally.notDue, tally.clientKey, tally.failures.size(), tally.deferred,
                List.copyOf(tally.failures));
        LOG.infof("event=sweep caller=%s indexed=%s listed=%d checked=%d renewed=%d notDue=%d notAllowed=%d clientKey=%d failed=%d deferred=%d",
                caller.describe(), indexed, entries.size(), tally.checked, tally.renewed, tally.notDue, tally.notAllowed, tally.clientKey,
                tally.failures.size(), tally.deferred);
        return report;
    }
}
