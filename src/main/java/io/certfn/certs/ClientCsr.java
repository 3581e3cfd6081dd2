package io.certfn.certs;

import io.certfn.error.InvalidRequestException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
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
 * A client's PKCS#10 CSR (DESIGN §2 {@code csr}): the client keeps its private key. Parsed from
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
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey(csr)))) {
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
        for (RDN rdn : csr.getSubject().getRDNs(BCStyle.CN)) {
            names.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
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
