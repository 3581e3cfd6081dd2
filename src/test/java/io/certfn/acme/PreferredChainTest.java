package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.testing.TestCerts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Session;

/**
 * {@code certfn.acme.preferred-chain} against the chains the real CAs offer, named as they name
 * them (src/test/resources/chains/README.md says where each certificate comes from). The chains
 * are handed over as acme4j's {@link Certificate}s, as {@code CaIssuer} gets them, so the same test
 * shows acme4j's own {@code findCertificate(name)} — what certfn used before — failing on them.
 */
class PreferredChainTest {

    private static final X509Certificate E6 = fixture("le-e6.pem");
    private static final X509Certificate R11 = fixture("le-r11.pem");
    private static final X509Certificate X2_BY_X1 = fixture("le-isrg-root-x2-by-x1.pem");
    private static final X509Certificate GTS_R1 = fixture("root-gts-root-r1.pem");
    private static final X509Certificate GLOBALSIGN = fixture("root-globalsign-root-ca.pem");
    private static final X509Certificate USERTRUST = fixture("root-usertrust-rsa-certification-authority.pem");
    private static final X509Certificate AAA = fixture("root-comodo-aaa-services-root.pem");

    /** GTS's and ZeroSSL's intermediates, and their cross-signs, under the real roots' names (read from the real roots). */
    private static final X509Certificate WR1 = TestCerts.named(new X500Principal("CN=WR1, O=Google Trust Services, C=US"),
            GTS_R1.getSubjectX500Principal());
    private static final X509Certificate GTS_R1_BY_GLOBALSIGN = TestCerts.named(GTS_R1.getSubjectX500Principal(),
            GLOBALSIGN.getSubjectX500Principal());
    private static final X509Certificate ZEROSSL = TestCerts.named(
            new X500Principal("CN=ZeroSSL RSA Domain Secure Site CA, O=ZeroSSL, C=AT"), USERTRUST.getSubjectX500Principal());
    private static final X509Certificate USERTRUST_BY_AAA = TestCerts.named(USERTRUST.getSubjectX500Principal(),
            AAA.getSubjectX500Principal());

    private static X509Certificate fixture(String name) {
        try (InputStream in = PreferredChainTest.class.getResourceAsStream("/chains/" + name)) {
            return TestCerts.parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).get(0);
        } catch (IOException e) {
            throw new IllegalStateException(name, e);
        }
    }

    private static X509Certificate leafOf(X509Certificate intermediate) {
        return TestCerts.named(new X500Principal("CN=www.example.com"), intermediate.getSubjectX500Principal());
    }

    /** What an order's certificate download gives acme4j: the default chain and the alternates, in the CA's order. */
    private static final class Offered extends Certificate {
        private final List<X509Certificate> chain;
        private final List<Certificate> alternates;

        Offered(List<X509Certificate> chain, List<Certificate> alternates) throws Exception {
            super(login(), URI.create("https://ca.invalid/cert/1").toURL());
            this.chain = chain;
            this.alternates = alternates;
        }

        private static Login login() throws Exception {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return new Session(URI.create("https://ca.invalid/directory")).login(URI.create("https://ca.invalid/acct/1").toURL(),
                    generator.generateKeyPair());
        }

        @Override
        public List<X509Certificate> getCertificateChain() {
            return chain;
        }

        @Override
        public List<Certificate> getAlternateCertificates() {
            return alternates;
        }
    }

    private static Offered offer(List<X509Certificate> chain, List<X509Certificate> alternate) throws Exception {
        return new Offered(chain, List.of(new Offered(alternate, List.of())));
    }

    private static Optional<List<X509Certificate>> chosen(String preference, Offered offered) {
        List<Certificate> all = new java.util.ArrayList<>(List.of(offered));
        all.addAll(offered.getAlternateCertificates());
        return PreferredChain.of(Optional.of(preference)).orElseThrow().pick(all, Certificate::getCertificateChain)
                .map(Certificate::getCertificateChain);
    }

    /**
     * A CA offering a chain that ends at {@code intermediate} (leading to {@code shortRoot}) and one
     * through {@code crossSign} (leading to {@code crossRoot}): each name picks its chain, and
     * acme4j's matcher — what certfn used — picks neither.
     */
    private static void eachRootNamePicksItsChain(X509Certificate intermediate, X509Certificate crossSign, String shortRoot,
            String crossRoot) throws Exception {
        X509Certificate leaf = leafOf(intermediate);
        List<X509Certificate> crossSigned = List.of(leaf, intermediate, crossSign);
        List<X509Certificate> shorter = List.of(leaf, intermediate);
        Offered offered = offer(crossSigned, shorter);
        assertEquals(Optional.of(shorter), chosen(shortRoot, offered));
        assertEquals(Optional.of(crossSigned), chosen(crossRoot, offered));
        assertEquals(crossRoot, PreferredChain.rootNameOf(crossSigned));
        assertEquals(Optional.empty(), offered.findCertificate(shortRoot), "acme4j's matcher: no real CA's name is only a CN");
        assertEquals(Optional.empty(), offered.findCertificate(crossRoot));
    }

    @Test
    void letsEncryptsShortEcdsaChainIsIsrgRootX2AndItsDefaultIsIsrgRootX1() throws Exception {
        eachRootNamePicksItsChain(E6, X2_BY_X1, "ISRG Root X2", "ISRG Root X1");
        assertEquals(Optional.empty(), chosen("ISRG Root X3", offer(List.of(leafOf(E6), E6, X2_BY_X1), List.of(leafOf(E6), E6))),
                "none by that name: the caller serves the default");
    }

    @Test
    void letsEncryptsRsaChainLeadsToIsrgRootX1Only() throws Exception {
        X509Certificate leaf = leafOf(R11);
        Offered offered = new Offered(List.of(leaf, R11), List.of());
        assertEquals(Optional.of(List.of(leaf, R11)), chosen("ISRG Root X1", offered));
        assertEquals(Optional.empty(), chosen("ISRG Root X2", offered));
        assertEquals(Optional.empty(), offered.findCertificate("ISRG Root X1"), "acme4j's matcher misses it too");
    }

    @Test
    void googleTrustServicesChainsLeadToGtsRootR1OrThroughItsCrossSignToGlobalSign() throws Exception {
        eachRootNamePicksItsChain(WR1, GTS_R1_BY_GLOBALSIGN, "GTS Root R1", "GlobalSign Root CA");
    }

    @Test
    void zeroSslChainsLeadToUserTrustOrCrossSignedToAaaCertificateServices() throws Exception {
        eachRootNamePicksItsChain(ZEROSSL, USERTRUST_BY_AAA, "USERTrust RSA Certification Authority", "AAA Certificate Services");
    }

    @Test
    void aChainIsNamedByTheIssuerOfItsLastCertificateNotOfAnyOfIt() throws Exception {
        // The default ECDSA chain holds a certificate issued by ISRG Root X2 (E6) but leads to ISRG Root X1.
        X509Certificate leaf = leafOf(E6);
        Offered onlyDefault = new Offered(List.of(leaf, E6, X2_BY_X1), List.of());
        assertEquals(Optional.empty(), chosen("ISRG Root X2", onlyDefault));
        assertTrue(PreferredChain.of(Optional.of("  ")).isEmpty(), "a blank setting is no preference");
    }
}
