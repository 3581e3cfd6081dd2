package io.certfn.certs;

import io.certfn.auth.Caller;
import io.certfn.crypto.KeyType;
import io.certfn.error.CertfnException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.jboss.logging.Logger;

/**
 * Renews every stored certificate that is due (DESIGN §2's rule), for a platform scheduler
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
     * report says nothing about them): {@code checked} certificates, of which {@code renewed} got a
     * new one, {@code notDue} were not due, {@code clientKey} hold a client's key (CSR: the client
     * renews them), {@code failed} failed, and {@code deferred} were due but not reached or not
     * finished in time.
     */
    @RegisterForReflection
    public record Report(int checked, int renewed, int notDue, int clientKey, int failed, int deferred,
            List<Failure> failures) {
    }

    private final CertificateRepository repository;
    private final CertificateService certificates;
    private final RenewalSchedule schedule;
    private final AriRefresh ari;

    private final io.certfn.metrics.CertfnMetrics metrics;

    public RenewalSweep(CertificateRepository repository, CertificateService certificates, RenewalSchedule schedule, AriRefresh ari,
            io.certfn.metrics.CertfnMetrics metrics) {
        this.metrics = metrics;
        this.repository = repository;
        this.certificates = certificates;
        this.schedule = schedule;
        this.ari = ari;
    }

    /**
     * Renews what is due and {@code allowed} for {@code caller}, within {@code budget}. Certificates
     * not allowed are passed over without reading further or counting them.
     */
    public Report sweep(Caller caller, BiPredicate<Caller, List<String>> allowed, Duration budget) {
        Instant deadline = Instant.now().plus(budget);
        int checked = 0;
        int renewed = 0;
        int notDue = 0;
        int notAllowed = 0; // logged, never reported: the report speaks only of what the caller may renew
        int clientKey = 0;
        int deferred = 0;
        List<Failure> failures = new ArrayList<>();
        for (String id : repository.ids()) {
            Optional<StoredCertificate> stored;
            try {
                stored = repository.find(id).map(found -> ari.refresh(id, found));
            } catch (CertfnException e) {
                // Whose it is cannot be known, so it is logged for the operator, not reported to the caller.
                LOG.warnf("Renewal sweep: certificate %s cannot be read: %s %s", id, e.code(), e.getMessage());
                continue;
            }
            if (stored.isEmpty()) {
                continue;
            }
            StoredCertificate cert = stored.get();
            if (!cert.isRevoked()) {
                metrics.certificate(id, cert.names().get(0), cert.notAfter(), cert.renewAfter());
            }
            if (!allowed.test(caller, cert.names())) {
                notAllowed++;
                continue;
            }
            checked++;
            if (!schedule.isDue(cert, Instant.now())) {
                notDue++;
            } else if ("csr".equals(cert.keyType())) {
                clientKey++;
            } else {
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || left.isZero()) {
                    deferred++;
                    continue;
                }
                try {
                    CertificateSpec spec = new CertificateSpec(cert.names(), KeyType.parse(cert.keyType()), Optional.empty(),
                            Optional.ofNullable(cert.profile()));
                    Outcome outcome = certificates.renew(caller, spec, left);
                    if (outcome instanceof Outcome.Ready) {
                        renewed++;
                    } else {
                        deferred++;
                    }
                } catch (RenewTooSoonException e) {
                    // Another instance renewed it since this sweep read it.
                    notDue++;
                } catch (CertfnException e) {
                    failures.add(new Failure(cert.names(), e.code(), e.getMessage()));
                    LOG.warnf("Renewal sweep: %s failed: %s %s", cert.names(), e.code(), e.getMessage());
                }
            }
        }
        Report report = new Report(checked, renewed, notDue, clientKey, failures.size(), deferred, List.copyOf(failures));
        LOG.infof("event=sweep caller=%s checked=%d renewed=%d notDue=%d notAllowed=%d clientKey=%d failed=%d deferred=%d",
                caller.describe(), checked, renewed, notDue, notAllowed, clientKey, failures.size(), deferred);
        return report;
    }
}
