package io.certfn.certs;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/**
 * A certificate as kept in the store: one object holding key, chain and metadata together, so a
 * reader never sees a key without its chain.
 *
 * @param names all names, primary first
 * @param keyType the key type's wire name, or {@code csr}
 * @param certificate the leaf, PEM
 * @param issuerCert the chain above the leaf, PEM
 * @param privateKey PKCS#8 PEM; null in CSR mode
 * @param serial hex serial number
 * @param renewAfter when it becomes due (docs/design.md §2)
 * @param orderUrl the ACME order it came from
 * @param directory the CA directory URL that issued it (null: stored before certfn recorded it)
 * @param account the ACME account URL that ordered it (null: likewise)
 * @param profile the ACME profile it was ordered with (null: the CA's default)
 * @param ariCheckAfter when the CA's renewal info is asked for again, by the sweep or a request (null: the CA gave none when it
 *     was issued; asked for only once it falls due)
 * @param revokedAt when certfn revoked it at the CA (null: not revoked); a revoked certificate is never served again
 * @param revocationReason the RFC 5280 reason it was revoked for ({@code keyCompromise}, ...), or null
 */
// Read and written as JSON in the store, not through JAX-RS: kept for Jackson in a native image explicitly.
@RegisterForReflection
public record StoredCertificate(
        List<String> names,
        String keyType,
        String certificate,
        String issuerCert,
        String privateKey,
        Instant notBefore,
        Instant notAfter,
        Instant renewAfter,
        String serial,
        Instant issuedAt,
        String orderUrl,
        String directory,
        String account,
        String profile,
        Instant ariCheckAfter,
        Instant revokedAt,
        String revocationReason) {

    /** The same certificate with another form of its private key (sealed for the store, or opened). */
    public StoredCertificate withPrivateKey(String key) {
        return new StoredCertificate(names, keyType, certificate, issuerCert, key, notBefore, notAfter, renewAfter,
                serial, issuedAt, orderUrl, directory, account, profile, ariCheckAfter, revokedAt, revocationReason);
    }

    /** The same certificate after a look at the CA's renewal info: due at {@code due}, to be looked at again after {@code next}. */
    public StoredCertificate withRenewalInfo(Instant due, Instant next) {
        return new StoredCertificate(names, keyType, certificate, issuerCert, privateKey, notBefore, notAfter, due,
                serial, issuedAt, orderUrl, directory, account, profile, next, revokedAt, revocationReason);
    }

    /** The same certificate, revoked at {@code when} for {@code reason}. */
    public StoredCertificate revoked(Instant when, String reason) {
        return new StoredCertificate(names, keyType, certificate, issuerCert, privateKey, notBefore, notAfter, renewAfter,
                serial, issuedAt, orderUrl, directory, account, profile, ariCheckAfter, when, reason);
    }

    /** True once certfn revoked it. */
    public boolean isRevoked() {
        return revokedAt != null;
    }

    /**
     * True when a CA directory other than those {@code configured} issued it. Certificates stored
     * before certfn recorded the directory (null) count as the configured ones': nothing says otherwise.
     */
    public boolean fromOtherDirectory(java.util.Collection<String> configured) {
        return directory != null && !configured.isEmpty() && !configured.contains(directory);
    }

    /** The lifetime from notBefore to notAfter. */
    public java.time.Duration lifetime() {
        return java.time.Duration.between(notBefore, notAfter);
    }
}
