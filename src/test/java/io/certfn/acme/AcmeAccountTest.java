package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.crypto.Hashes;
import io.certfn.crypto.KeySealer;
import io.certfn.crypto.KeyType;
import io.certfn.crypto.Pem;
import io.certfn.store.ObjectStore;
import io.certfn.store.StoreKeys;
import io.certfn.testing.TestConfig;
import io.certfn.testing.TestStore;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One CA, one account: however its directory is written (offline: acme4j resolves acme:// URLs itself). */
class AcmeAccountTest {

    private static final String LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anAcmeUrlAndItsHttpsUrlAreOneDirectory() {
        assertEquals(LETS_ENCRYPT, AcmeAccount.resolve("acme://letsencrypt.org"));
        assertEquals(LETS_ENCRYPT, AcmeAccount.resolve(LETS_ENCRYPT));
        assertEquals("https://acme-staging-v02.api.letsencrypt.org/directory", AcmeAccount.resolve("acme://letsencrypt.org/staging"));
    }

    @Test
    void aDirectoryNoProviderTakesIsAStartupErrorNamingTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AcmeAccount.resolve("ftp://ca.example/dir"));
        assertTrue(e.getMessage().startsWith("certfn.acme.directory 'ftp://ca.example/dir' is not an ACME directory URL"), e.getMessage());
    }

    @Test
    void bothFormsShareOneStoredAccount() throws Exception {
        ObjectStore store = TestStore.store(Files.createTempDirectory("certfn-account"));
        assertEquals(account("acme://letsencrypt.org", store, KeySealer.none()).storeKey(),
                account(LETS_ENCRYPT, store, KeySealer.none()).storeKey());
    }

    /** Releases before 2026-11-30 stored it under the directory as configured: it is moved, not registered anew. */
    @Test
    void anAccountStoredUnderTheAcmeUrlIsMovedAndKept() throws Exception {
        ObjectStore store = TestStore.store(Files.createTempDirectory("certfn-account"));
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        KeySealer sealer = KeySealer.of(Optional.of(Base64.getEncoder().encodeToString(raw)), Optional.empty());
        String legacyKey = StoreKeys.of("acme", "account-" + Hashes.sha256Hex("acme://letsencrypt.org").substring(0, 16) + ".json");
        String location = "https://acme-v02.api.letsencrypt.org/acme/acct/4242";
        store.putIfAbsent(legacyKey, JSON.writeValueAsBytes(Map.of(
                "keyPair", sealer.seal(Pem.keyPair(KeyType.EC256.generate()), legacyKey), "location", location)));

        AcmeAccount account = account("acme://letsencrypt.org", store, sealer);
        assertEquals(location, account.login().getAccountLocation().toString(), "the stored account, no registration (offline)");
        assertTrue(store.get(account.storeKey()).isPresent(), "kept under the resolved directory's key");
        assertEquals(location, account(LETS_ENCRYPT, store, sealer).login().getAccountLocation().toString());
    }

    /**
     * Orders at the same time each get a session of their own (acme4j holds a session's nonce lock for
     * a whole signed request, so a shared session makes them take turns); a session given back is lent again.
     */
    @Test
    void concurrentOrdersGetSessionsOfTheirOwnAndTheyAreReused() throws Exception {
        ObjectStore store = TestStore.store(Files.createTempDirectory("certfn-account"));
        String key = StoreKeys.of("acme", "account-" + Hashes.sha256Hex(LETS_ENCRYPT).substring(0, 16) + ".json");
        store.putIfAbsent(key, JSON.writeValueAsBytes(Map.of("keyPair", Pem.keyPair(KeyType.EC256.generate()),
                "location", "https://acme-v02.api.letsencrypt.org/acme/acct/77")));
        AcmeAccount account = account(LETS_ENCRYPT, store, KeySealer.none());
        assertEquals(key, account.storeKey(), "the stored account is found (offline, no registration)");

        org.shredzone.acme4j.Login first = account.borrow();
        org.shredzone.acme4j.Login second = account.borrow();
        java.util.Set<org.shredzone.acme4j.Session> sessions = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        sessions.addAll(java.util.List.of(first.getSession(), second.getSession(), account.login().getSession()));
        assertEquals(3, sessions.size(), "two orders and the shared login: three sessions");
        assertEquals(account.login().getAccountLocation(), first.getAccountLocation());
        account.giveBack(first);
        assertTrue(account.borrow() == first, "a session given back is lent again");
    }

    private static AcmeAccount account(String directory, ObjectStore store, KeySealer sealer) {
        return new AcmeAccount(TestConfig.of(AcmeConfig.class, Map.of("certfn.acme.directory", directory)), store, sealer, JSON);
    }
}
