package io.certfn.certs;

import io.certfn.acme.AcmeIssuer;
import io.certfn.acme.RenewalAdvice;
import io.certfn.crypto.Pem;
import io.certfn.store.Lease;
import io.certfn.store.LeaseManager;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reads the CA's renewal info (ARI, RFC 9773) of stored certificates during their whole life, not
 * only at issuance: a CA moves the window of certificates it must revoke early (Let's Encrypt's
 * only early warning since OCSP ended). The sweep asks about each certificate, and a request
 * about its own, once the last answer's {@code Retry-After} has passed; one instance asks (under
 * the certificate's lease, taken only if free, and only if the stored certificate still needs
 * it); the answer is kept with the certificate, and its due time moves into a moved window.
 * A certificate the CA gave no renewal info for at issuance has no such {@code Retry-After}: a
 * request leaves it alone (a cold instance would otherwise read the CA's directory for every
 * one), and the sweep asks once it falls due, as its due-index entry says.
 */
@Singleton
public class AriRefresh {

    private final Clock clock;

    private static final Logger LOG = Logger.getLogger(AriRefresh.class);

    private final CertificateRepository repository;
    private final AcmeIssuer issuer;
    private final LeaseManager leases;
    private final RenewalSchedule schedule;

    public AriRefresh(CertificateRepository repository, AcmeIssuer issuer, LeaseManager leases, RenewalSchedule schedule, Clock clock) {
        this.clock = clock;
        this.repository = repository;
        this.issuer = issuer;
        this.leases = leases;
        this.schedule = schedule;
    }

    /**
     * Whether {@code cert} may need a look at the CA's renewal info, judged without blocking
     * (from memory): false only when it surely does not, so a warm request stays in memory.
     */
    public boolean mayBeDue(StoredCertificate cert, Instant now) {
        return lookPendingForRequest(cert, now) && issuer.mayOfferRenewalInfo(cert.directory());
    }

    private boolean lookDue(StoredCertificate cert, Instant now) {
        return lookPending(cert, now) && issuer.offersRenewalInfo(cert.directory()); // no lease written for a CA without ARI
    }

    private boolean lookPending(StoredCertificate cert, Instant now) {
        return issuer.configured(cert.directory()) && !schedule.isDue(cert, now)
                && (cert.ariCheckAfter() == null || !now.isBefore(cert.ariCheckAfter()));
    }

    /** RFC 9773 §4.3: a request asks again once the CA's last answer said it may; none asked, none said. */
    private boolean lookPendingForRequest(StoredCertificate cert, Instant now) {
        return cert.ariCheckAfter() != null && lookPending(cert, now);
    }

    /**
     * As {@link #refresh}, for a request: while this instance does not know yet whether the CA
     * offers renewal info (a cold start, or an hour after the last look), it answers {@code found}
     * as stored and learns that beside the request, so a stored certificate is never held up by the
     * CA's directory; a later request, or the sweep, asks.
     */
    public StoredCertificate refreshForRequest(String id, CertificateRepository.Found found) {
        StoredCertificate cert = found.certificate();
        if (!lookPendingForRequest(cert, clock.instant())) {
            return cert;
        }
        if (!issuer.knowsWhetherRenewalInfoIsOffered(cert.directory())) {
            issuer.learnWhetherRenewalInfoIsOffered(cert.directory());
            return cert;
        }
        return refresh(id, found);
    }

    /** {@code found} as it stands after asking the CA, when that is due; else unchanged. Never throws for ARI's sake. */
    public StoredCertificate refresh(String id, CertificateRepository.Found found) {
        StoredCertificate cert = found.certificate();
        if (!lookDue(cert, clock.instant())) {
            return cert;
        }
        Optional<Lease> lease = leases.tryAcquire(repository.leaseKey(id));
        if (lease.isEmpty()) {
            return cert; // another instance is ordering or asking: its answer is stored
        }
        try (Lease held = lease.get()) {
            // Read again under the lease: another instance may have asked since, and the CA is asked once.
            Optional<CertificateRepository.Found> current = repository.find(id);
            if (current.isEmpty() || !lookDue(current.get().certificate(), clock.instant())) {
                return current.map(CertificateRepository.Found::certificate).orElse(cert);
            }
            return ask(id, current.get(), held);
        } catch (RuntimeException e) {
            LOG.warnf("Renewal info for %s not updated: %s", cert.names(), e.getMessage());
            return cert;
        }
    }

    private StoredCertificate ask(String id, CertificateRepository.Found found, Lease held) {
        StoredCertificate cert = found.certificate();
        Optional<RenewalAdvice> advice = issuer.renewalInfo(Pem.readCertificates(cert.certificate()).get(0), cert.directory());
        if (advice.isEmpty()) {
            return cert;
        }
        Instant due = cert.renewAfter();
        if (advice.get().window().isPresent()) {
            var window = advice.get().window().get();
            if (due.isBefore(window.start()) || !due.isBefore(window.end())) {
                due = schedule.renewAfter(cert.notBefore(), cert.notAfter(), advice.get().renewAt());
                LOG.warnf("The CA moved the renewal window of %s to %s .. %s; renewing after %s%s", cert.names(), window.start(),
                        window.end(), due, advice.get().explanation().map(url -> " (the CA explains: " + url + ")").orElse(""));
            }
        }
        StoredCertificate updated = cert.withRenewalInfo(due, advice.get().askAgainAfter());
        held.confirm("storing the renewal info");
        return repository.save(id, updated, found.version()) ? updated : cert;
    }
}
