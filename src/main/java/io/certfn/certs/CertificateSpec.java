package io.certfn.certs;

import io.certfn.crypto.Hashes;
import io.certfn.crypto.KeyType;
import java.util.List;
import java.util.Optional;

/**
 * What a caller asked for, validated: canonical names (the first is the primary), the key type,
 * the client's CSR in CSR mode, and an optional ACME profile.
 */
public record CertificateSpec(List<String> names, KeyType keyType, Optional<ClientCsr> csr, Optional<String> profile) {

    public CertificateSpec {
        names = List.copyOf(names);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one name");
        }
    }

    /** The primary name. */
    public String primary() {
        return names.get(0);
    }

    /**
     * The certificate's identity in the store (DESIGN §2 "the same certificate"): the set of
     * names regardless of order, and the key type or, in CSR mode, the client's public key. A name
     * leads (the first in sort order) so an operator can find it in a listing.
     */
    public String storageId() {
        String keyPart = csr.map(c -> "csr:" + c.spkiSha256()).orElse(keyType.wireName());
        String identity = String.join(",", DomainNames.sorted(names)) + "|" + keyPart;
        String readable = DomainNames.sorted(names).get(0).replace("*", "_wildcard");
        if (readable.length() > 100) {
            readable = readable.substring(0, 100);
        }
        return readable + "-" + Hashes.sha256Hex(identity).substring(0, 16);
    }
}
