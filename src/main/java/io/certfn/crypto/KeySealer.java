package io.certfn.crypto;

import io.certfn.error.CertfnException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals private keys before they are stored: AES-256-GCM under {@code certfn.store.encryption-key},
 * as {@code sealed:v1:<key id>:<base64 nonce+ciphertext+tag>}. The key id (a hash prefix of the
 * key, not the key) says which key sealed a value, so {@code encryption-key-previous} can open
 * old values during a rotation. The storage key is the associated data: a sealed value copied
 * to another certificate's object does not open.
 *
 * <p>Without a configured key, values are stored as given, and unsealed values are always
 * readable (objects written before encryption was turned on).
 */
public final class KeySealer {

    private static final String PREFIX = "sealed:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec current;
    private final String currentId;
    private final Map<String, SecretKeySpec> readable = new LinkedHashMap<>();

    private KeySealer(Optional<byte[]> current, Optional<byte[]> previous) {
        this.current = current.map(k -> new SecretKeySpec(k, "AES")).orElse(null);
        this.currentId = current.map(KeySealer::keyId).orElse(null);
        current.ifPresent(k -> readable.put(keyId(k), new SecretKeySpec(k, "AES")));
        previous.ifPresent(k -> readable.putIfAbsent(keyId(k), new SecretKeySpec(k, "AES")));
    }

    /** No encryption: values are stored as they are. */
    public static KeySealer none() {
        return new KeySealer(Optional.empty(), Optional.empty());
    }

    /**
     * Reads the two config values.
     *
     * @throws IllegalArgumentException naming the key whose value is not base64 of 32 bytes
     */
    public static KeySealer of(Optional<String> current, Optional<String> previous) {
        Optional<byte[]> now = current.map(v -> decodeKey(v, "certfn.store.encryption-key"));
        Optional<byte[]> before = previous.map(v -> decodeKey(v, "certfn.store.encryption-key-previous"));
        if (now.isEmpty() && before.isPresent()) {
            throw new IllegalArgumentException("certfn.store.encryption-key-previous is set but certfn.store.encryption-key "
                    + "is not: set the new key too (or drop the previous one to store keys unencrypted)");
        }
        return new KeySealer(now, before);
    }

    /** True when new values are sealed. */
    public boolean enabled() {
        return current != null;
    }

    /** The id of the key new values are sealed with, for logs; null when disabled. */
    public String currentKeyId() {
        return currentId;
    }

    /**
     * True when a stored value should be written again: it is sealed with the previous key, or
     * it is plain while a key is configured. Rewriting it completes a rotation (or turns
     * encryption on for what was stored before).
     */
    public boolean needsReseal(String stored) {
        if (current == null || stored == null) {
            return false;
        }
        return !stored.startsWith(PREFIX + currentId + ":");
    }

    /** Seals {@code secret} bound to {@code context} (the storage key), or returns it as is when disabled. */
    public String seal(String secret, String context) {
        if (current == null) {
            return secret;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return PREFIX + currentId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    /**
     * Opens a value {@link #seal} produced for {@code context}; unsealed values are returned as they are.
     *
     * @throws CertfnException 500 naming the key id when no configured key opens it
     */
    public String open(String stored, String context) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        String rest = stored.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        String keyId = colon < 0 ? "" : rest.substring(0, colon);
        SecretKeySpec key = readable.get(keyId);
        if (key == null) {
            throw unreadable(context, "it was sealed with encryption key id '" + keyId + "', which is neither "
                    + "certfn.store.encryption-key" + (currentId == null ? " (not set)" : " ('" + currentId + "')")
                    + " nor certfn.store.encryption-key-previous");
        }
        try {
            byte[] in = Base64.getDecoder().decode(rest.substring(colon + 1));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw unreadable(context, "it does not open with encryption key id '" + keyId + "' (altered, or sealed for another object)");
        }
    }

    /** The id of a key: the first 16 hex digits of SHA-256 over a label and the key. */
    static String keyId(byte[] key) {
        byte[] labelled = ByteBuffer.allocate(14 + key.length).put("certfn-key-id:".getBytes(StandardCharsets.US_ASCII)).put(key).array();
        return Hashes.sha256Hex(labelled).substring(0, 16);
    }

    private static byte[] decodeKey(String value, String configKey) {
        if (value.strip().startsWith("@Microsoft.KeyVault(")) {
            // App Service hands the reference itself to the app when it could not read the secret: the key is
            // fine, the access is not. A new key would make every stored key unreadable.
            throw new IllegalArgumentException(configKey + " is a Key Vault reference App Service could not resolve: the app's"
                    + " identity cannot read that secret yet (a role assigned minutes ago takes a while; the portal's"
                    + " Environment variables page names the reason). Restart the app once it can; keep the key as it is.");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configKey + " is not valid base64 (generate one with: openssl rand -base64 32)");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException(configKey + " must be base64 of 32 bytes for AES-256 but holds "
                    + key.length + " bytes (generate one with: openssl rand -base64 32)");
        }
        return key;
    }

    private static CertfnException unreadable(String context, String why) {
        return new UnreadableKeyException("The private key stored in " + context + " cannot be read: " + why + ".");
    }

    /**
     * The MAC of {@code data} under the current data key, as lower-case hex: HMAC-SHA256 keyed with
     * HMAC-SHA256(data key, {@code label}), so the AES key itself never keys a MAC (one key, one
     * use) and an operator can compute the same with two {@code openssl dgst -mac HMAC} calls.
     *
     * @throws IllegalStateException when no data key is configured
     */
    public String mac(String label, byte[] data) {
        if (current == null) {
            throw new IllegalStateException("no data key (certfn.store.encryption-key) is configured");
        }
        return hmacHex(current, label, data);
    }

    /** True when {@code hex} is the MAC of {@code data} under the current or the previous data key. */
    public boolean verifiesMac(String label, byte[] data, String hex) {
        byte[] given = hex.strip().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        for (SecretKeySpec key : readable.values()) {
            if (java.security.MessageDigest.isEqual(given, hmacHex(key, label, data).getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    private static String hmacHex(SecretKeySpec dataKey, String label, byte[] data) {
        try {
            javax.crypto.Mac derive = javax.crypto.Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(dataKey.getEncoded(), "HmacSHA256"));
            byte[] macKey = derive.doFinal(label.getBytes(StandardCharsets.UTF_8));
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** A sealed key no configured key opens: an operator's mistake, reported as 500 {@code internal} with the key id. */
    public static final class UnreadableKeyException extends CertfnException {
        UnreadableKeyException(String detail) {
            super(500, "internal", detail);
        }
    }
}
