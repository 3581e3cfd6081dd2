package io.certfn.certs;

import io.certfn.crypto.Hashes;
import io.certfn.crypto.KeyType;
import java.util.List;
import java.util.Optional;

/**
 * What a caller asked for, validated: canonical names (the first is the primary), the key type,
 * the client's CSR in CSR mode, and an optional ACME profile. Immutable; its store identity is
 * computed once, since every step of a request uses it.
 *
 * <p>The server's default profile ({@code certfn.acme.profile}) is what a request without a
 * profile is ordered with, but not part of its identity: a changed default finds the stored
 * certificate and moves it to the new profile at its next renewal, naming it in {@code replaces}
 * (docs/design.md §2 "the same certificate": the same <em>requested</em> profile).
 */
public final class CertificateSpec {

    private final List<String> names;
    private final KeyType keyType;
    private final Optional<ClientCsr> csr;
    private final Optional<String> profile;
    private final Optional<String> defaultProfile;
    private final String storageId;
    private final List<String> legacyStorageIds;

    public CertificateSpec(List<String> names, KeyType keyType, Optional<ClientCsr> csr, Optional<String> profile) {
        this(names, keyType, csr, profile, Optional.empty());
    }

    /** @param defaultProfile {@code certfn.acme.profile}: ordered when {@code profile} is empty */
    public CertificateSpec(List<String> names, KeyType keyType, Optional<ClientCsr> csr, Optional<String> profile,
            Optional<String> defaultProfile) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one name");
        }
        this.names = List.copyOf(names);
        this.keyType = keyType;
        this.csr = csr;
        this.profile = profile;
        this.defaultProfile = defaultProfile;
        // A store key segment holds 128 characters: 63 of the name, a dash, the whole hash.
        this.storageId = storageId(this.names, keyType, csr, profile, 63, 64);
        this.legacyStorageIds = profile.isPresent() ? List.of() : legacyIds(this.names, keyType, csr, defaultProfile);
    }

    /**
     * Where releases before 2026-12-07 stored a request without a profile: under 64 bits of the
     * hash (before 2026-11-30), and under the default profile's id (until the default left the
     * identity). Releases before profiles were part of the identity stored every profile's
     * certificate as the default's: none of them is taken over as a requested profile's.
     */
    private static List<String> legacyIds(List<String> names, KeyType keyType, Optional<ClientCsr> csr, Optional<String> defaultProfile) {
        String shortHash = storageId(names, keyType, csr, Optional.empty(), 100, 16);
        return defaultProfile.map(p -> List.of(shortHash, storageId(names, keyType, csr, Optional.of(p), 63, 64))).orElse(List.of(shortHash));
    }

    /** The same request, ordered with {@code defaultProfile} when it names no profile. */
    public CertificateSpec withDefaultProfile(Optional<String> defaultProfile) {
        return new CertificateSpec(names, keyType, csr, profile, defaultProfile);
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

    /** The ACME profile asked for, if any: part of the identity. */
    public Optional<String> profile() {
        return profile;
    }

    /** The ACME profile to order with: the one asked for, else the server's default, if any. */
    public Optional<String> orderProfile() {
        return profile.or(() -> defaultProfile);
    }

    /**
     * The certificate's identity in the store (docs/design.md §2 "the same certificate"): the set of
     * names regardless of order, the key type or, in CSR mode, the client's public key, and the
     * ACME profile when one is asked for (never the server's default), as a whole SHA-256. A name leads (the first in sort order) so an operator can find it in a listing.
     */
    public String storageId() {
        return storageId;
    }

    /**
     * The ids earlier releases stored this certificate under, oldest first: read once to move such
     * a certificate to {@link #storageId()}, so an upgrade orders nothing anew.
     */
    public List<String> legacyStorageIds() {
        return legacyStorageIds;
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
