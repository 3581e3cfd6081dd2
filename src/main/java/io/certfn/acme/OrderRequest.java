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
        Optional<X509Certificate> replaces) {
}
