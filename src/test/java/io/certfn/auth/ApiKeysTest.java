package io.certfn.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.crypto.Hashes;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void findsTheKeysName() {
        ApiKeys keys = ApiKeys.parse(Optional.of("ops=ops-key-0123456789ab, web = web-key-0123456789ab"));
        assertEquals(Optional.of("ops"), keys.nameOf("ops-key-0123456789ab"));
        assertEquals(Optional.of("web"), keys.nameOf("web-key-0123456789ab"));
        assertTrue(keys.nameOf("ops-key-0123456789aB").isEmpty());
        assertTrue(keys.nameOf("").isEmpty());
        assertEquals(List.of("ops", "web"), keys.names());
    }

    @Test
    void acceptsKeysStoredAsSha256() {
        ApiKeys keys = ApiKeys.parse(Optional.of("ci=sha256:" + Hashes.sha256Hex("a-secret-only-ci-knows")));
        assertEquals(Optional.of("ci"), keys.nameOf("a-secret-only-ci-knows"));
        assertTrue(keys.nameOf("sha256:" + Hashes.sha256Hex("a-secret-only-ci-knows")).isEmpty(), "the hash is not the key");
    }

    @Test
    void minimumLengthIsSixteenInclusive() {
        assertFalse(ApiKeys.parse(Optional.of("a=" + "k".repeat(16))).isEmpty());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiKeys.parse(Optional.of("a=" + "k".repeat(15))));
        assertTrue(e.getMessage().contains("certfn.auth.api-keys") && e.getMessage().contains("'a'"));
        assertFalse(e.getMessage().contains("kkkkkkkkkkkkkkk"), "never echoes the secret");
    }

    @Test
    void malformedEntriesNameTheKeyNotTheSecret() {
        assertTrue(assertThrows(IllegalStateException.class, () -> ApiKeys.parse(Optional.of("justakeywithoutname1234")))
                .getMessage().contains("entry 1"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> ApiKeys.parse(Optional.of("a=0123456789abcdefgh,a=0123456789abcdefgi"))).getMessage().contains("twice"));
        assertTrue(assertThrows(IllegalStateException.class, () -> ApiKeys.parse(Optional.of("a=sha256:abc")))
                .getMessage().contains("64 hex"));
    }

    @Test
    void noConfigMeansNoKeys() {
        assertTrue(ApiKeys.parse(Optional.empty()).isEmpty());
        assertTrue(ApiKeys.parse(Optional.of(" ")).isEmpty());
    }
}
