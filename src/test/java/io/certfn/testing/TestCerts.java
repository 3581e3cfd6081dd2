package io.certfn.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Certificates and CSRs for assertions: parse PEM, verify chains, list SANs, build CSRs. */
public final class TestCerts {

    private TestCerts() {
    }

    public static List<X509Certificate> parse(String pem) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                    .stream().map(X509Certificate.class::cast).toList();
        } catch (Exception e) {
            throw new AssertionError("not PEM certificates: " + e, e);
        }
    }

    /** Verifies {@code fullChain} (leaf first) up to {@code root} with PKIX; throws if it fails. */
    public static void verifyChain(String fullChain, X509Certificate root) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(parse(fullChain)), params);
        } catch (Exception e) {
            throw new AssertionError("chain does not verify against Pebble's root: " + e, e);
        }
    }

    /** The leaf's DNS subject alternative names. */
    public static Set<String> dnsNames(X509Certificate cert) {
        try {
            return cert.getSubjectAlternativeNames().stream()
                    .filter(san -> (Integer) san.get(0) == 2)
                    .map(san -> (String) san.get(1))
                    .collect(Collectors.toSet());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A CSR for {@code names}, as DER. */
    public static byte[] csr(KeyPair key, String... names) {
        return csrWithSubject(key, "CN=" + names[0], names);
    }

    /** A CSR with the subject {@code subject} (RFC 4514 text, e.g. a multi-valued {@code O=a+CN=b}) and SANs {@code names}. */
    public static byte[] csrWithSubject(KeyPair key, String subject, String... names) {
        try {
            JcaPKCS10CertificationRequestBuilder builder =
                    new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.getPublic());
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            GeneralName[] sans = java.util.Arrays.stream(names).map(n -> new GeneralName(GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
            String algorithm = switch (key.getPrivate().getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "Ed25519", "EdDSA" -> "Ed25519";
                default -> "SHA256withECDSA";
            };
            return builder.build(new JcaContentSignerBuilder(algorithm).build(key.getPrivate())).getEncoded();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A certificate named {@code subject} and issued by the name {@code issuer} (taken as encoded, so a
     * real CA's name is kept byte for byte), signed by a throwaway key: for code that reads names
     * only, where the real certificate cannot be had here.
     */
    public static X509Certificate named(javax.security.auth.x500.X500Principal subject, javax.security.auth.x500.X500Principal issuer) {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair key = generator.generateKeyPair();
            java.time.Instant now = java.time.Instant.now();
            var builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(issuer,
                    java.math.BigInteger.valueOf(now.toEpochMilli()), java.util.Date.from(now),
                    java.util.Date.from(now.plus(java.time.Duration.ofDays(90))), subject, key.getPublic());
            return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** {@code der} as a PEM CERTIFICATE REQUEST block. */
    public static String csrPem(byte[] der) {
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
    }
}
