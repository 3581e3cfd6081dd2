package io.certfn.crypto;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;

/** PEM text for certificates and keys, in the forms the API promises (PKCS#8 private keys). */
public final class Pem {

    private static final Base64.Encoder MIME = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private Pem() {
    }

    /** One PEM block of {@code type} around {@code der}. */
    public static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + MIME.encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** The certificates as consecutive PEM blocks. */
    public static String certificates(List<X509Certificate> certs) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate cert : certs) {
            try {
                out.append(encode("CERTIFICATE", cert.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Cannot encode certificate", e);
            }
        }
        return out.toString();
    }

    /** Parses consecutive PEM certificate blocks. */
    public static List<X509Certificate> readCertificates(String pem) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                    .stream().map(X509Certificate.class::cast).toList();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Stored certificate PEM cannot be parsed", e);
        }
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
    public static String privateKey(PrivateKey key) {
        return encode("PRIVATE KEY", key.getEncoded());
    }

    /** A key pair in the storage form: the PKCS#8 private key, then the SPKI public key. */
    public static String keyPair(KeyPair pair) {
        return privateKey(pair.getPrivate()) + encode("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    /** Reads a key pair written by {@link #keyPair} (EC or RSA). */
    public static KeyPair readKeyPair(String pem) {
        PrivateKey privateKey = readPrivateKey(pem);
        try {
            KeyFactory factory = KeyFactory.getInstance(privateKey.getAlgorithm());
            return new KeyPair(factory.generatePublic(new X509EncodedKeySpec(block(pem, "PUBLIC KEY"))), privateKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Stored key pair has an unreadable public key", e);
        }
    }

    /** Reads the PKCS#8 private key ({@code BEGIN PRIVATE KEY}, EC or RSA) of {@code pem}. */
    public static PrivateKey readPrivateKey(String pem) {
        byte[] privateDer = block(pem, "PRIVATE KEY");
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(privateDer));
            } catch (GeneralSecurityException e) {
                // not this algorithm; try the next
            }
        }
        throw new IllegalStateException("Stored private key is neither EC nor RSA");
    }

    private static byte[] block(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END " + type + "-----");
        if (start < 0 || end < start) {
            throw new IllegalStateException("Stored key pair has no " + type + " block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
    }
}
