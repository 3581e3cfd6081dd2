package io.certfn.acme;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What to order: the names, and either a key generator (certfn keeps the key) or the client's
 * CSR; optionally an ACME profile and the certificate this one replaces (ARI).
 */
public record OrderRequest(
        List<String> names,
        Supplier<KeyPair> newKey,
        Optional<byte[]> csr,
        Optional<String> profile,
        Optional<Replaced> replaces) {

    /**
     * The stored certificate a renewal replaces (ARI {@code replaces}), with the directory and
     * account that issued it (null: stored before certfn recorded them).
     */
    public record Replaced(X509Certificate leaf, String directory, String account) {
    }
}
