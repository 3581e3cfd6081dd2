package io.certfn.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.error.CertfnException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeySealerTest {

    private static final String PEM = "-----BEGIN PRIVATE KEY-----\nMIGH...\n-----END PRIVATE KEY-----\n";
    private static final String CONTEXT = "certs/a-1/certificate.json";

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @Test
    void sealsWithAesGcmUnderTheKeyIdAndOpensAgain() {
        KeySealer sealer = KeySealer.of(Optional.of(newKey()), Optional.empty());
        String sealed = sealer.seal(PEM, CONTEXT);
        assertTrue(sealed.startsWith("sealed:v1:" + sealer.currentKeyId() + ":"), sealed);
        assertFalse(sealed.contains("PRIVATE"));
        assertNotEquals(sealed, sealer.seal(PEM, CONTEXT), "a fresh nonce every time");
        assertEquals(PEM, sealer.open(sealed, CONTEXT));
    }

    @Test
    void aSealedValueDoesNotOpenForAnotherObjectOrWhenAltered() {
        KeySealer sealer = KeySealer.of(Optional.of(newKey()), Optional.empty());
        String sealed = sealer.seal(PEM, CONTEXT);
        CertfnException moved = assertThrows(CertfnException.class, () -> sealer.open(sealed, "certs/b-2/certificate.json"));
        assertEquals(500, moved.status());
        assertTrue(moved.getMessage().contains("certs/b-2/certificate.json"), moved.getMessage());
        char last = sealed.charAt(sealed.length() - 3);
        String altered = sealed.substring(0, sealed.length() - 3) + (last == 'A' ? 'B' : 'A') + sealed.substring(sealed.length() - 2);
        assertThrows(CertfnException.class, () -> sealer.open(altered, CONTEXT));
    }

    @Test
    void rotationKeepsOldValuesReadableAndSealsNewOnesWithTheNewKey() {
        String oldKey = newKey();
        String newKey = newKey();
        KeySealer before = KeySealer.of(Optional.of(oldKey), Optional.empty());
        String oldSealed = before.seal(PEM, CONTEXT);
        KeySealer during = KeySealer.of(Optional.of(newKey), Optional.of(oldKey));
        assertEquals(PEM, during.open(oldSealed, CONTEXT));
        assertTrue(during.seal(PEM, CONTEXT).startsWith("sealed:v1:" + during.currentKeyId()));
        assertNotEquals(before.currentKeyId(), during.currentKeyId());

        KeySealer after = KeySealer.of(Optional.of(newKey), Optional.empty());
        CertfnException lost = assertThrows(CertfnException.class, () -> after.open(oldSealed, CONTEXT));
        assertTrue(lost.getMessage().contains(before.currentKeyId()), "names the key id that would open it: " + lost.getMessage());
        assertFalse(lost.getMessage().contains(oldKey), "never the key itself");
    }

    @Test
    void withoutAKeyValuesStayAsTheyAreAndPlainValuesAlwaysRead() {
        assertEquals(PEM, KeySealer.none().seal(PEM, CONTEXT));
        assertEquals(PEM, KeySealer.of(Optional.of(newKey()), Optional.empty()).open(PEM, CONTEXT));
        String sealed = KeySealer.of(Optional.of(newKey()), Optional.empty()).seal(PEM, CONTEXT);
        CertfnException e = assertThrows(CertfnException.class, () -> KeySealer.none().open(sealed, CONTEXT));
        assertTrue(e.getMessage().contains("certfn.store.encryption-key (not set)"), e.getMessage());
    }

    @Test
    void badKeysAreStartupErrorsNamingTheSetting() {
        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
                () -> KeySealer.of(Optional.of(Base64.getEncoder().encodeToString(new byte[16])), Optional.empty()));
        assertTrue(shortKey.getMessage().contains("certfn.store.encryption-key must be base64 of 32 bytes"), shortKey.getMessage());
        IllegalArgumentException notBase64 = assertThrows(IllegalArgumentException.class,
                () -> KeySealer.of(Optional.of(newKey()), Optional.of("not base64!")));
        assertTrue(notBase64.getMessage().contains("certfn.store.encryption-key-previous is not valid base64"));
        assertThrows(IllegalArgumentException.class, () -> KeySealer.of(Optional.empty(), Optional.of(newKey())));
    }

    /** On Azure an unresolved Key Vault reference reaches the app as written: the fix is access, never a new key. */
    @Test
    void anUnresolvedKeyVaultReferenceSaysSoAndNotToMakeANewKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeySealer.of(
                Optional.of("@Microsoft.KeyVault(SecretUri=https://certfnkv.vault.azure.net/secrets/certfn-encryption-key/0123)"),
                Optional.empty()));
        assertTrue(e.getMessage().contains("certfn.store.encryption-key is a Key Vault reference App Service could not resolve"), e.getMessage());
        assertTrue(!e.getMessage().contains("openssl rand") && e.getMessage().contains("keep the key"), e.getMessage());
    }
}
