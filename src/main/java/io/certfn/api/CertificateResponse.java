package io.certfn.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.certfn.certs.StoredCertificate;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** The {@code 200} body of DESIGN §2 (camelCase, le-cert-server compatible). */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Rendered by certfn's own ObjectMapper (cached bytes), not by a JAX-RS signature: kept for Jackson explicitly.
@RegisterForReflection
public record CertificateResponse(
        String domain,
        List<String> domains,
        String certificate,
        String issuerCert,
        String fullChain,
        String privateKey,
        String notBefore,
        String notAfter,
        String renewAfter,
        String serial,
        boolean cached) {

    /** The answer for {@code cert}, naming the names in the order this caller asked for them. */
    static CertificateResponse of(StoredCertificate cert, List<String> requested, boolean cached) {
        return new CertificateResponse(requested.get(0), requested, cert.certificate(), cert.issuerCert(),
                cert.certificate() + cert.issuerCert(), cert.privateKey(), cert.notBefore().toString(),
                cert.notAfter().toString(), cert.renewAfter().toString(), cert.serial(), cached);
    }
}
