package io.certfn.certs;

import io.certfn.crypto.Hashes;
import io.certfn.crypto.KeyType;
import java.util.List;
import java.util.Optional;

/**
 * What a caller asked for, validated: canonical names (the first is the primary), the key type,
 * the client's CSR in CSR mode, and an optional ACME profile. Immutable; its store identity is
 * computed once, since every step of a request uses it.
 */
public final class CertificateSpec {

    private final List<String> names;
    private final KeyType keyType;
    private final Optional<ClientCsr> csr;
    private final Optional<String> profile;
    private final String storageId;
    private final String legacyStorageId;

    public CertificateSpec(List<String> names, KeyType keyType, Optional<ClientCsr> csr, Optional<String> profile) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one name");
        }
        this.names = List.copyOf(names);
        this.keyType = keyType;
        this.csr = csr;
        this.profile = profile;
        // A store key segment holds 128 characters: 63 of the name, a dash, the whole hash.
        this.storageId = storageId(this.names, keyType, csr, profile, 63, 64);
        // Releases before profiles were part of the identity stored every profile's certificate as
        // the default's: none of them is taken over as this profile's.
        this.legacyStorageId = profile.isPresent() ? storageId : storageId(this.names, keyType, csr, Optional.empty(), 100, 16);
    }

    /** All names, primary first. */
    public List<String> names() {
        return names;
    }

    /** The key type certfn generates (ignored in CSR mode). */
    public KeyType keyType() {
        return keyType;
    }

    /** The client's CSR, in CSR mode. */
    public Optional<ClientCsr> csr() {
        return csr;
    }

    /** The ACME profile asked for, if any. */
    public Optional<String> profile() {
        return profile;
    }

    /**
     * The certificate's identity in the store (docs/design.md §2 "the same certificate"): the set of
     * names regardless of order, the key type or, in CSR mode, the client's public key, and the
     * ACME profile when one is asked for, as a whole SHA-256. A name leads (the first in sort order) so an operator can find it in a listing.
     */
    public String storageId() {
        return storageId;
    }

    /**
     * The identity as releases before 2026-11-30 wrote it (64 bits of the hash): read once to move
     * such a certificate to {@link #storageId()}, so an upgrade orders nothing anew.
     */
    public String legacyStorageId() {
        return legacyStorageId;
    }

    /** The type stored for this identity: the key type's wire name, or {@code csr}. */
    public String storedKeyType() {
        return csr.isPresent() ? "csr" : keyType.wireName();
    }

    private static String storageId(List<String> names, KeyType keyType, Optional<ClientCsr> csr, Optional<String> profile,
            int nameChars, int hexDigits) {
        String keyPart = csr.map(c -> "csr:" + c.spkiSha256()).orElse(keyType.wireName());
        List<String> sorted = DomainNames.sorted(names);
        // Without a profile the identity is what it always was, so stored certificates keep their ids.
        String identity = String.join(",", sorted) + "|" + keyPart + profile.map(p -> "|profile:" + p).orElse("");
        String readable = sorted.get(0).replace("*", "_wildcard");
        if (readable.length() > nameChars) {
            readable = readable.substring(0, nameChars);
        }
        return readable + "-" + Hashes.sha256Hex(identity).substring(0, hexDigits);
    }
}
