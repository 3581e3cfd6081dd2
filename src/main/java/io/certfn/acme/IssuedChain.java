package io.certfn.acme;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * A certificate the CA issued: the chain (leaf first), the key pair it was made for (null in CSR
 * mode), the order it came from, the CA's renewal info if it offers ARI, and the directory and
 * account that issued it.
 */
public record IssuedChain(List<X509Certificate> chain, KeyPair keyPair, String orderUrl, Optional<RenewalAdvice> advice,
        String directory, String account) {

    /** The leaf certificate. */
    public X509Certificate leaf() {
        return chain.get(0);
    }
}
