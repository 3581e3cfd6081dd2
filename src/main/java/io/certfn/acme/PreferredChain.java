package io.certfn.acme;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * {@code certfn.acme.preferred-chain}, matched as lego ({@code --preferred-chain}) and certmagic
 * ({@code ChainPreference.RootCommonName}) match it: a chain is named by the common name of the
 * issuer of its last certificate, the root it leads to; the first offered chain (the CA's default,
 * then its alternates in the CA's order) with that name is served.
 *
 * <p>Hand-written because acme4j's {@code Certificate.findCertificate(name)} compares
 * {@code "CN=" + name} with each issuer's whole distinguished name, which never equals a real
 * CA's ({@code CN=ISRG Root X2, O=Internet Security Research Group, C=US}), and matches any
 * certificate of the chain, so Let's Encrypt's default ECDSA chain (E6, then ISRG Root X2 signed by
 * ISRG Root X1) would count as "ISRG Root X2" too.
 */
final class PreferredChain {

    private final String rootName;

    private PreferredChain(String rootName) {
        this.rootName = rootName;
    }

    /** The preference {@code configured} names; none when it is absent or blank. */
    static Optional<PreferredChain> of(Optional<String> configured) {
        return configured.map(String::strip).filter(name -> !name.isEmpty()).map(PreferredChain::new);
    }

    String rootName() {
        return rootName;
    }

    /** The first of {@code offered} whose chain ({@code chainOf}) leads to the preferred root; empty when none does. */
    <T> Optional<T> pick(List<T> offered, Function<T, List<X509Certificate>> chainOf) {
        return offered.stream().filter(chain -> rootName.equals(rootNameOf(chainOf.apply(chain)))).findFirst();
    }

    /** The common name of the issuer of {@code chain}'s last certificate (its whole name when it has no CN). */
    static String rootNameOf(List<X509Certificate> chain) {
        X500Name issuer = X500Name.getInstance(chain.get(chain.size() - 1).getIssuerX500Principal().getEncoded());
        RDN[] commonNames = issuer.getRDNs(BCStyle.CN);
        return commonNames.length == 0 ? issuer.toString() : IETFUtils.valueToString(commonNames[0].getFirst().getValue());
    }
}
