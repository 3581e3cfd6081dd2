package io.certfn.crypto;

import io.certfn.error.InvalidRequestException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The key types certfn generates for certificates (docs/design.md §2 {@code keyType}). */
public enum KeyType {
    EC256("ec256", "EC", "secp256r1", 0),
    EC384("ec384", "EC", "secp384r1", 0),
    RSA2048("rsa2048", "RSA", null, 2048),
    RSA3072("rsa3072", "RSA", null, 3072),
    RSA4096("rsa4096", "RSA", null, 4096);

    private final String wireName;
    private final String algorithm;
    private final String curve;
    private final int bits;

    KeyType(String wireName, String algorithm, String curve, int bits) {
        this.wireName = wireName;
        this.algorithm = algorithm;
        this.curve = curve;
        this.bits = bits;
    }

    /** The name used in requests and storage, e.g. {@code ec256}. */
    public String wireName() {
        return wireName;
    }

    /**
     * The key type named {@code value}; {@link #EC256} when absent.
     *
     * @throws InvalidRequestException {@code invalid_key_type}, listing the accepted names
     */
    public static KeyType parse(String value) {
        if (value == null || value.isBlank()) {
            return EC256;
        }
        String wanted = value.strip().toLowerCase(Locale.ROOT);
        for (KeyType type : values()) {
            if (type.wireName.equals(wanted)) {
                return type;
            }
        }
        String accepted = Arrays.stream(values()).map(KeyType::wireName).collect(Collectors.joining(", "));
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        throw InvalidRequestException.invalidKeyType("keyType '" + shown + "' is not supported; use one of: " + accepted + ".");
    }

    /** A fresh key pair of this type. CPU-bound (RSA 4096 takes up to a second or two). */
    public KeyPair generate() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm);
            if (curve != null) {
                gen.initialize(new ECGenParameterSpec(curve));
            } else {
                gen.initialize(bits);
            }
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate a " + wireName + " key", e);
        }
    }
}
