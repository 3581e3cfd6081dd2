package io.certfn.certs;

import io.certfn.error.InvalidRequestException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import java.security.spec.X509EncodedKeySpec;
import io.certfn.crypto.Hashes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A client's PKCS#10 CSR (docs/design.md §2 {@code csr}): the client keeps its private key. Parsed from
 * PEM or bare base64 DER, its signature checked, its names canonicalised.
 *
 * @param der the CSR as DER, as sent to the CA
 * @param names the canonical DNS names in its subject CN and SAN extension
 * @param spkiSha256 hex SHA-256 of its public key (SubjectPublicKeyInfo): part of the identity
 */
public record ClientCsr(byte[] der, Set<String> names, String spkiSha256) {

    /**
     * Parses and checks {@code text}.
     *
     * @throws InvalidRequestException {@code invalid_csr}, saying what is wrong and where
     */
    public static ClientCsr parse(String text) {
        byte[] der = decode(text);
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw InvalidRequestException.invalidCsr("csr decodes from base64 but is not a PKCS#10 request: "
                    + e.getMessage());
        }
        PublicKey key = publicKey(csr);
        // Before the signature check: an RSA key with a huge exponent makes verifying cost tens of ms.
        requireAcceptableKey(key);
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw InvalidRequestException.invalidCsr("csr's signature does not match its public key.");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw InvalidRequestException.invalidCsr("csr's signature cannot be checked: " + e.getMessage());
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : rawNames(csr)) {
            try {
                names.add(DomainNames.canonicalize(name));
            } catch (InvalidRequestException e) {
                throw InvalidRequestException.invalidCsr("csr: " + e.getMessage());
            }
        }
        if (names.isEmpty()) {
            throw InvalidRequestException.invalidCsr("csr names no DNS name (neither a subject CN nor a SAN dNSName).");
        }
        try {
            return new ClientCsr(der, Set.copyOf(names), Hashes.sha256Hex(csr.getSubjectPublicKeyInfo().getEncoded()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Checks that the CSR names exactly {@code requested}.
     *
     * @throws InvalidRequestException {@code invalid_csr} listing both sets
     */
    public void requireNames(List<String> requested) {
        if (!names.equals(Set.copyOf(requested))) {
            throw InvalidRequestException.invalidCsr("csr names " + DomainNames.sorted(List.copyOf(names))
                    + " but the request asks for " + DomainNames.sorted(requested) + "; they must be the same names.");
        }
    }

    /**
     * Refuses keys the public CAs refuse at finalize, as Let's Encrypt's Boulder does (goodkey: RSA
     * of exactly 2048, 3072 or 4096 bits with the exponent 65537; P-256, P-384), before any work or
     * any of the CA's validations is spent on them; a huge exponent would also make the signature
     * check expensive.
     */
    private static void requireAcceptableKey(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            BigInteger e = rsa.getPublicExponent();
            if (bits != 2048 && bits != 3072 && bits != 4096) {
                throw InvalidRequestException.invalidCsr("csr's RSA key has " + bits + " bits; the CAs accept 2048, 3072 or 4096.");
            }
            if (!e.equals(BigInteger.valueOf(65537))) {
                throw InvalidRequestException.invalidCsr("csr's RSA public exponent is " + (e.bitLength() > 64 ? "a " + e.bitLength()
                        + "-bit number" : e.toString()) + "; the CAs accept only 65537.");
            }
        } else if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits != 256 && bits != 384) {
                throw InvalidRequestException.invalidCsr("csr's EC key is on a " + bits + "-bit curve; CAs accept P-256 and P-384.");
            }
        } else {
            throw InvalidRequestException.invalidCsr("csr's " + key.getAlgorithm() + " key is not accepted by the CAs; use EC"
                    + " (P-256, P-384) or RSA (2048-4096 bits).");
        }
    }

    /** The JDK key for the CSR's SPKI; by algorithm name, since the JDK has no OID aliases for EC. */
    private static PublicKey publicKey(PKCS10CertificationRequest csr) {
        var spki = csr.getSubjectPublicKeyInfo();
        var oid = spki.getAlgorithm().getAlgorithm();
        String algorithm;
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            algorithm = "EC";
        } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            algorithm = "RSA";
        } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            algorithm = "Ed25519";
        } else {
            throw InvalidRequestException.invalidCsr("csr's public key algorithm " + oid + " is not supported; use EC or RSA.");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
        } catch (IOException | GeneralSecurityException e) {
            throw InvalidRequestException.invalidCsr("csr's public key cannot be read: " + e.getMessage());
        }
    }

    private static byte[] decode(String text) {
        String body = text.strip();
        if (body.startsWith("-----BEGIN")) {
            int start = body.indexOf('\n');
            int end = body.indexOf("-----END");
            if (start < 0 || end < start) {
                throw InvalidRequestException.invalidCsr("csr starts a PEM block but has no matching '-----END' line.");
            }
            String type = body.substring("-----BEGIN ".length(), body.indexOf("-----", 10)).strip();
            if (!type.equals("CERTIFICATE REQUEST") && !type.equals("NEW CERTIFICATE REQUEST")) {
                throw InvalidRequestException.invalidCsr("csr is a PEM '" + type
                        + "' block; expected 'CERTIFICATE REQUEST'.");
            }
            body = body.substring(start, end);
        }
        String compact = body.replaceAll("\\s", "");
        if (compact.isEmpty()) {
            throw InvalidRequestException.invalidCsr("csr is empty.");
        }
        for (int i = 0; i < compact.length(); i++) {
            char c = compact.charAt(i);
            boolean ok = Character.isLetterOrDigit(c) && c < 128 || c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
            if (!ok) {
                throw InvalidRequestException.invalidCsr("csr is neither PEM nor base64 DER: character '" + c
                        + "' at position " + i + " of the base64 text is not base64.");
            }
        }
        try {
            return compact.contains("-") || compact.contains("_")
                    ? java.util.Base64.getUrlDecoder().decode(compact)
                    : java.util.Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.invalidCsr("csr is not valid base64: " + e.getMessage());
        }
    }

    private static List<String> rawNames(PKCS10CertificationRequest csr) {
        List<String> names = new ArrayList<>();
        // Every CN of every RDN: a multi-valued RDN (O=a.example+CN=evil.example) hides the CN behind its first value.
        for (RDN rdn : csr.getSubject().getRDNs()) {
            for (AttributeTypeAndValue value : rdn.getTypesAndValues()) {
                if (value.getType().equals(BCStyle.CN)) {
                    names.add(IETFUtils.valueToString(value.getValue()));
                }
            }
        }
        for (Attribute attr : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable value : attr.getAttributeValues()) {
                Extensions extensions = Extensions.getInstance(value);
                GeneralNames sans = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
                if (sans == null) {
                    continue;
                }
                for (GeneralName gn : sans.getNames()) {
                    if (gn.getTagNo() == GeneralName.dNSName) {
                        names.add(gn.getName().toString());
                    } else {
                        throw InvalidRequestException.invalidCsr("csr has a subject alternative name that is not a DNS name"
                                + " (type " + gn.getTagNo() + "); only DNS names are supported.");
                    }
                }
            }
        }
        return names;
    }
}
