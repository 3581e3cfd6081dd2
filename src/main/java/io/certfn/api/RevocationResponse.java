package io.certfn.api;

import io.certfn.certs.StoredCertificate;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** The {@code 200} body of a revocation: which certificate was revoked, when and why. */
// Returned inside a Response, which a native build cannot see through: kept for Jackson explicitly.
@RegisterForReflection
public record RevocationResponse(String status, String domain, List<String> domains, String serial, String reason, String revokedAt) {

    static RevocationResponse of(StoredCertificate revoked) {
        return new RevocationResponse("revoked", revoked.names().get(0), revoked.names(), revoked.serial(), revoked.revocationReason(),
                revoked.revokedAt().toString());
    }
}
