package io.certfn.certs;

import io.certfn.acme.AcmeIssuer;
import io.certfn.crypto.Pem;
import io.certfn.identity.Caller;
import io.certfn.quota.SharedQuotas;
import io.certfn.store.Lease;
import io.certfn.store.LeaseManager;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Revocation of a stored certificate ({@code POST /api/certificate/revoke}): at the CA, then
 * marked in the store under the certificate's lease, so no instance serves it again; at most once
 * per set of names per {@code certfn.limits.revocation-cooldown}, and never waiting on a running order.
 */
@Singleton
public class CertificateRevocation {

    private final CertificateRepository repository;
    private final CertificateCache cache;
    private final AcmeIssuer issuer;
    private final LeaseManager leases;
    private final OrderLimits limits;
    private final SharedQuotas quotas;
    private final Clock clock;
    private final Duration retryAfter;

    public CertificateRevocation(CertificateRepository repository, CertificateCache cache, AcmeIssuer issuer, LeaseManager leases,
            OrderLimits limits, SharedQuotas quotas, RequestConfig config, Clock clock) {
        this.repository = repository;
        this.cache = cache;
        this.issuer = issuer;
        this.leases = leases;
        this.limits = limits;
        this.quotas = quotas;
        this.clock = clock;
        this.retryAfter = config.retryAfter();
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
            java.security.KeyPair key = cert.privateKey() == null ? null : LeasedIssuance.keyPair(cert);
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
}
