package io.certfn.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.certfn.certs.DeliveryStatus;
import io.certfn.certs.StoredCertificate;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The {@code 200} body of docs/design.md §2 (camelCase, le-cert-server compatible). {@code certificate} is
 * the leaf followed by its chain — what le-cert-server returns and what a TLS server must present,
 * since its clients write it to a file a server serves as it is; {@code leaf} is the leaf alone.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Rendered by certfn's own ObjectMapper (cached bytes), not by a JAX-RS signature: kept for Jackson explicitly.
@RegisterForReflection
public record CertificateResponse(
        String domain,
        List<String> domains,
        String certificate,
        String leaf,
        String issuerCert,
        String fullChain,
        String privateKey,
        String notBefore,
        String notAfter,
        String renewAfter,
        String serial,
        String profile,
        boolean cached,
        List<DeliveryStatus> delivery) {

    /**
     * The answer for {@code cert}, naming the names in the order this caller asked for them, and
     * where it was delivered ({@code delivery}; the member is left out when its rules name no target).
     */
    static CertificateResponse of(StoredCertificate cert, List<String> requested, boolean cached, List<DeliveryStatus> delivery) {
        String fullChain = cert.certificate() + cert.issuerCert();
        return new CertificateResponse(requested.get(0), requested, fullChain, cert.certificate(), cert.issuerCert(),
                fullChain, cert.privateKey(), cert.notBefore().toString(),
                cert.notAfter().toString(), cert.renewAfter().toString(), cert.serial(), cert.profile(), cached,
                delivery.isEmpty() ? null : delivery);
    }
}
