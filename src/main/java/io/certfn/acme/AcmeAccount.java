package io.certfn.acme;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.crypto.Hashes;
import io.certfn.crypto.KeySealer;
import io.certfn.crypto.KeyType;
import io.certfn.crypto.Pem;
import io.certfn.store.ObjectStore;
import io.certfn.store.StoreKeys;
import io.certfn.store.Versioned;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.security.KeyPair;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.AcmeProvider;

/**
 * The ACME account: its key is made once and kept in the store (one per directory URL), it is
 * registered once, and every later login reuses the stored account URL. Concurrent first use by
 * many instances ends with one key: the store's {@code putIfAbsent} picks it, and registering an
 * existing key returns the existing account.
 *
 * <p>Longer than ~250 lines because the account's life is one concern with several states that must
 * agree: the key made once per CA and kept in the store (sealed), registration with EAB, the login
 * and its session pool, and forgetting an account the CA no longer knows.
 */
@Singleton
public class AcmeAccount {

    private static final Logger LOG = Logger.getLogger(AcmeAccount.class);

    private final String configured;
    private final Eab eab;
    private final Optional<String> email;
    private final ObjectStore store;
    private final KeySealer sealer;
    private final ObjectMapper json;
    private final String key;
    private final String legacyKey;
    private final String directory;
    private final TrustStoreProvider provider;
    private volatile URL accountUrl;
    private volatile KeyPair accountKey;
    private volatile Login login;
    /**
     * Logins on sessions of their own, lent to orders running at the same time: acme4j holds a
     * session's nonce lock for a whole signed request (network round trip included), so orders
     * sharing one session take turns at the CA. Kept for reuse (the session has read the directory
     * and holds its connections), at most {@link #MAX_IDLE_SESSIONS}.
     */
    private final java.util.concurrent.ConcurrentLinkedDeque<Login> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private static final int MAX_IDLE_SESSIONS = 16;

    /** The account of the first configured CA (tests; certfn itself builds them with {@link AcmeAccounts}). */
    public AcmeAccount(AcmeConfig config, ObjectStore store, KeySealer sealer, ObjectMapper json) {
        this(AcmeAccounts.directories(config.directory()).get(0), AcmeAccounts.eab(config.eab(), 0),
                config.email(), config.trustStore(), store, sealer, json);
    }

    /**
     * The account at the CA {@code configured} (as written in {@code certfn.acme.directory}).
     *
     * @throws IllegalStateException naming the setting when the directory or the EAB settings are unusable
     */
    AcmeAccount(String configured, Eab eab, Optional<String> email, Optional<java.nio.file.Path> trustStore, ObjectStore store,
            KeySealer sealer, ObjectMapper json) {
        this.configured = configured;
        this.eab = eab;
        this.email = email;
        this.store = store;
        this.sealer = sealer;
        this.json = json;
        this.provider = trustStore.map(TrustStoreProvider::new).orElse(null);
        this.directory = resolve(configured);
        this.key = accountKey(directory);
        this.legacyKey = accountKey(configured);
        checkEab(eab);
    }

    /** One CA's external account binding: the key id and MAC key (both or neither) and the MAC algorithm. */
    public record Eab(Optional<String> kid, Optional<String> hmacKey, String macAlgorithm) {
    }

    /**
     * External account binding settings are checked at start-up (they are otherwise read only
     * at the first registration): both keys or neither, a MAC key that decodes, a known algorithm.
     * Messages name the keys, never the values.
     */
    static void checkEab(Eab eab) {
        if (eab.kid().isPresent() != eab.hmacKey().isPresent()) {
            throw new IllegalStateException("certfn.acme.eab.kid and certfn.acme.eab.hmac-key go together: set both, from the CA's "
                    + "external account binding credentials, or neither (" + (eab.kid().isPresent() ? "hmac-key" : "kid") + " is missing)");
        }
        if (!java.util.Set.of("HS256", "HS384", "HS512").contains(eab.macAlgorithm())) {
            throw new IllegalStateException("certfn.acme.eab.mac-algorithm must be HS256, HS384 or HS512, not '" + eab.macAlgorithm() + "'");
        }
        eab.hmacKey().ifPresent(AcmeAccount::eabMacKey);
    }

    /** The MAC key as the CA gave it: base64url (RFC 8555), or plain base64 as some CA consoles show it. */
    static byte[] eabMacKey(String encoded) {
        String key = encoded.strip();
        try {
            return java.util.Base64.getUrlDecoder().decode(key.replace('+', '-').replace('/', '_').replace("=", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("certfn.acme.eab.hmac-key is not base64url or base64 (as the CA shows it); "
                    + "copy it again from the CA's console", null);
        }
    }

    /**
     * The CA's directory URL, resolved: {@code acme://letsencrypt.org} and its https URL are one
     * CA, with one account and one set of certificates.
     */
    public String directory() {
        return directory;
    }

    /**
     * The https URL of {@code configured} (an acme:// URL is resolved by acme4j's provider for that CA,
     * offline). An http(s) URL is its own, as acme4j's generic provider resolves it, without loading
     * acme4j's session and providers at start-up: the first order does that beside the request.
     */
    public static String resolve(String configured) {
        try {
            URI uri = URI.create(configured);
            if ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) {
                return uri.toURL().toString();
            }
            return new Session(uri).provider().resolve(uri).toString();
        } catch (RuntimeException | java.net.MalformedURLException e) {
            throw new IllegalStateException("certfn.acme.directory '" + configured + "' is not an ACME directory URL "
                    + "(https://... or an acme4j acme:// URL such as acme://letsencrypt.org): " + e.getMessage(), e);
        }
    }

    private static String accountKey(String directory) {
        return StoreKeys.of("acme", "account-" + Hashes.sha256Hex(directory).substring(0, 16) + ".json");
    }

    /** This CA's EAB settings. */
    Eab eab() {
        return eab;
    }

    /** Where the account of this directory is stored. */
    String storeKey() {
        return key;
    }

    /**
     * The account's login, on one session shared by all threads (acme4j 4 sessions are
     * thread-safe; sharing keeps the CA's directory, nonces and the TLS connection). Registers
     * the account on first use. Blocks on the network the first time.
     *
     * @throws AcmeFailure when the CA refuses or cannot be reached
     */
    public Login login() {
        Login current = login;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (login == null) {
                Session session = session();
                register(session);
                login = session.login(accountUrl, accountKey);
            }
            return login;
        }
    }

    /**
     * A login of this account on a session no other thread uses until {@link #giveBack}: for an
     * order, whose signed requests then never wait on another order's. Registers the account on
     * first use, as {@link #login()}.
     *
     * @throws AcmeFailure when the CA refuses or cannot be reached
     */
    public Login borrow() {
        Login shared = login();
        for (Login pooled = idle.pollFirst(); pooled != null; pooled = idle.pollFirst()) {
            if (pooled.getAccountLocation().equals(shared.getAccountLocation())) {
                return pooled;
            }
        }
        KeyPair key = accountKey;
        return key == null ? shared : session().login(shared.getAccountLocation(), key);
    }

    /** An order is done with {@code borrowed}; kept for the next one while it is of the current account. */
    public void giveBack(Login borrowed) {
        URL current = accountUrl;
        if (borrowed != login && current != null && current.equals(borrowed.getAccountLocation()) && idle.size() < MAX_IDLE_SESSIONS) {
            idle.offerFirst(borrowed);
        }
    }

    /**
     * Forgets every session (each holds the CA's last nonce and its connections) and the account
     * key held in memory: a process snapshot taken now (Lambda SnapStart) carries neither, so two
     * instances restored from it never send one nonce twice, and the next order reads the account
     * from the store and asks the CA for a fresh nonce.
     */
    public synchronized void forgetSessions() {
        login = null;
        idle.clear();
        probe = null;
        accountKey = null;
        accountUrl = null;
    }

    /** True while a session (and with it a nonce) is held: none after {@link #forgetSessions()}. */
    public boolean holdsSession() {
        return login != null || probe != null || !idle.isEmpty();
    }

    private synchronized void register(Session session) {
        if (accountUrl != null) {
            return;
        }
        Versioned stored = storedOrCreated();
        Map<?, ?> fields = read(stored.data());
        String storedKey = (String) fields.get("keyPair");
        String keyPem = sealer.open(storedKey, key);
        KeyPair keyPair = Pem.readKeyPair(keyPem);
        Object location = fields.get("location");
        if (location != null && sealer.needsReseal(storedKey)) {
            // A key rotation (or encryption turned on): keep the same account key, sealed anew.
            Map<String, Object> resealed = Map.of("keyPair", sealer.seal(keyPem, key), "location", location);
            if (store.putIfVersion(key, write(resealed), stored.version()).isPresent()) {
                LOG.infof("ACME account key sealed again with the current encryption key");
            }
        }
        if (location == null) {
            eabRefusal().flatMap(refusal -> refusal.stored(fields)).ifPresent(refused -> {
                throw refused; // the CA refused this binding before: asking again with it cannot help
            });
            URL url = create(session, keyPair, stored, fields);
            Map<String, Object> updated = Map.of("keyPair", storedKey, "location", url.toString());
            // Losing this race is fine: the winner registered the same key, so the URL is the same.
            store.putIfVersion(key, write(updated), stored.version());
            LOG.infof("Registered ACME account %s at %s", url, directory);
            location = url.toString();
        }
        try {
            this.accountKey = keyPair;
            this.accountUrl = URI.create((String) location).toURL();
        } catch (IOException e) {
            throw new IllegalStateException("Stored ACME account URL is malformed: " + location, e);
        }
    }

    /**
     * The CA no longer knows the account {@code gone} logged in as (deactivated, or the CA forgot
     * it): a new key replaces it in the store, unless another thread or instance did so already,
     * and the next {@link #login()} registers it. Certificates of the old account are then no
     * longer named in {@code replaces} (their account differs).
     */
    public synchronized void forget(Login gone) {
        if (accountUrl == null || !accountUrl.equals(gone.getAccountLocation())) {
            return; // another thread replaced it already
        }
        idle.clear();
        String goneUrl = gone.getAccountLocation().toString();
        Optional<Versioned> stored = store.get(key);
        if (stored.isPresent() && goneUrl.equals(read(stored.get().data()).get("location"))) {
            byte[] fresh = write(Map.of("keyPair", sealer.seal(Pem.keyPair(KeyType.EC256.generate()), key)));
            if (store.putIfVersion(key, fresh, stored.get().version()).isPresent()) {
                LOG.warnf("The CA no longer knows ACME account %s; a new account is registered at %s", goneUrl, directory);
            }
        }
        login = null;
        accountUrl = null;
        accountKey = null;
    }

    private Versioned storedOrCreated() {
        Optional<Versioned> stored = store.get(key);
        if (stored.isPresent()) {
            return stored.get();
        }
        if (!legacyKey.equals(key)) {
            // Releases before 2026-11-30 keyed the account by the directory as configured (acme://...).
            Optional<Versioned> legacy = store.get(legacyKey);
            if (legacy.isPresent()) {
                Map<?, ?> fields = read(legacy.get().data());
                String keyPem = sealer.open((String) fields.get("keyPair"), legacyKey);
                Map<String, Object> moved = new java.util.HashMap<>();
                moved.put("keyPair", sealer.seal(keyPem, key));
                if (fields.get("location") != null) {
                    moved.put("location", fields.get("location"));
                }
                store.putIfAbsent(key, write(moved));
                LOG.infof("ACME account moved from %s to %s (keyed by the resolved directory URL)", legacyKey, key);
                return store.get(key).orElseThrow(() -> new IllegalStateException("ACME account vanished from the store"));
            }
        }
        byte[] fresh = write(Map.of("keyPair", sealer.seal(Pem.keyPair(KeyType.EC256.generate()), key)));
        store.putIfAbsent(key, fresh);
        return store.get(key).orElseThrow(() -> new IllegalStateException("ACME account key vanished from the store"));
    }

    /** The refusal of the configured EAB key, when one is configured. */
    private Optional<EabRefusal> eabRefusal() {
        return eab.kid().map(kid -> new EabRefusal(directory, kid));
    }

    private URL create(Session session, KeyPair keyPair, Versioned stored, Map<?, ?> fields) {
        requireEabIfTheCaDoes(session);
        AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(keyPair);
        email.ifPresent(builder::addEmail);
        if (eab.kid().isPresent()) {
            String algorithm = eab.macAlgorithm();
            builder.withKeyIdentifier(eab.kid().get(), new javax.crypto.spec.SecretKeySpec(
                    eabMacKey(eab.hmacKey().orElseThrow()), "Hmac" + "SHA" + algorithm.substring(2)));
            builder.withMacAlgorithm(algorithm);
        }
        try {
            return builder.create(session).getLocation();
        } catch (org.shredzone.acme4j.exception.AcmeServerException e) {
            Optional<EabRefusal> refusal = eabRefusal().filter(r -> r.refuses(e));
            if (refusal.isPresent()) {
                // Losing this race is fine: the other instance stored the same refusal, or a newer state.
                store.putIfVersion(key, write(refusal.get().recorded(fields, e)), stored.version());
                LOG.errorf("The CA at %s refused EAB key id %s: %s; set a new certfn.acme.eab.kid and certfn.acme.eab.hmac-key",
                        directory, eab.kid().get(), AcmeErrors.describe(e.getProblem()));
                throw refusal.get().rejection(e);
            }
            throw AcmeErrors.translate(e, "registering the ACME account", directory);
        } catch (AcmeException e) {
            throw AcmeErrors.translate(e, "registering the ACME account", directory);
        }
    }

    /** A CA whose directory says {@code externalAccountRequired} refuses a plain registration: say which keys to set instead. */
    private void requireEabIfTheCaDoes(Session session) {
        boolean required;
        try {
            required = session.getMetadata().isExternalAccountRequired();
        } catch (AcmeException e) {
            throw AcmeErrors.translate(e, "reading the CA's directory", directory);
        }
        if (required && eab.kid().isEmpty()) {
            throw new AcmeRejected("externalAccountRequired", "The CA at " + directory + " requires external account binding "
                    + "(its directory says externalAccountRequired): set certfn.acme.eab.kid and certfn.acme.eab.hmac-key to the "
                    + "EAB credentials from the CA's console (ZeroSSL: Developer section; Google Trust Services: gcloud publicca "
                    + "external-account-keys create).", null);
        }
    }

    private volatile Session probe;

    /**
     * Reads the CA's directory anew, for the readiness probe (on a session of its own: the
     * ordering session's cached directory is left alone, and no account is registered).
     *
     * @throws AcmeFailure saying why the directory cannot be read
     */
    public void probeDirectory() {
        Session session = probe;
        if (session == null) {
            session = probe = session();
        }
        try {
            session.purgeDirectoryCache();
            session.getMetadata();
        } catch (AcmeException e) {
            throw AcmeErrors.translate(e, "reading its directory", directory);
        }
    }

    private Session session() {
        URI uri = URI.create(configured);
        AcmeProvider base = provider == null ? new Session(uri).provider() : provider;
        return new Session(uri, new RetryAfterProvider(base));
    }

    private Map<?, ?> read(byte[] data) {
        try {
            return json.readValue(data, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Stored ACME account '" + key + "' is unreadable", e);
        }
    }

    private byte[] write(Map<String, ?> fields) {
        try {
            return json.writeValueAsBytes(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
