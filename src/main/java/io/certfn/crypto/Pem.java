package io.certfn.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.shredzone.acme4j.util.KeyPairUtils;

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
            return factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                    .stream().map(X509Certificate.class::cast).toList();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Stored certificate PEM cannot be parsed", e);
        }
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
    public static String privateKey(PrivateKey key) {
        return encode("PRIVATE KEY", key.getEncoded());
    }

    /** A key pair in the storage form (acme4j's PEM key pair format). */
    public static String keyPair(KeyPair pair) {
        StringWriter out = new StringWriter();
        try {
            KeyPairUtils.writeKeyPair(pair, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Reads a key pair written by {@link #keyPair}. */
    public static KeyPair readKeyPair(String pem) {
        try {
            return KeyPairUtils.readKeyPair(new StringReader(pem));
        } catch (IOException e) {
            throw new UncheckedIOException("Stored key pair cannot be parsed", e);
        }
    }
}
