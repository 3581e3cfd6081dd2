package io.certfn.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts Pebble and Knot for {@code @QuarkusTest}s and points certfn at them, with a fresh store
 * folder, test API keys and a policy. Pebble rejects a share of nonces, so every test also proves
 * that bad nonces are retried.
 *
 * <p>Tests find the stack through the system property {@value #STACK_DIR} (test resources and
 * tests may live in different class loaders, so no static field is shared).
 */
public class AcmeStackResource implements QuarkusTestResourceLifecycleManager {

    public static final String STACK_DIR = "certfntest.stack-dir";
    public static final String STORE_DIR = "certfntest.store-dir";
    /** File holding the private JWK the test Google issuer signs with. */
    public static final String GOOGLE_KEY = "certfntest.google-key";
    public static final String GOOGLE_AUDIENCE = "https://certfn.test";
    /** The IAM role the policy grants billing.certfn.test (Lambda Function URL AWS_IAM tests). */
    public static final String AWS_ROLE = "arn:aws:iam::123456789012:role/billing";
    /** The data key private keys are sealed with in the Quarkus tests (32 random bytes per run). */
    public static final String ENCRYPTION_KEY = java.util.Base64.getEncoder().encodeToString(
            new java.security.SecureRandom().generateSeed(32));
    public static final String GOOGLE_EMAIL = "web@certfn-test.iam.gserviceaccount.com";

    public static final String OPS_KEY = "ops-key-0123456789abcdef";
    public static final String WEB_KEY = "web-key-0123456789abcdef";
    public static final String STRANGER_KEY = "stranger-key-0123456789";
    /** A scheduler's key: its rule may run the renewal sweep for every name and never receive a key. */
    public static final String SCHEDULER_KEY = "scheduler-key-0123456789";
    /** An API key whose rule allows only observe (readiness and metrics on the cloud builds). */
    public static final String OBSERVER_KEY = "observer-key-0123456789";

    private AcmeStack stack;
    private TestIssuer google;

    @Override
    public Map<String, String> start() {
        stack = AcmeStack.start(Map.of("STACK_NONCE_REJECT", "15"));
        Path store;
        try {
            store = Files.createTempDirectory("certfn-store");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        System.setProperty(STACK_DIR, stack.dir().toString());
        System.setProperty(STORE_DIR, store.toString());
        try {
            google = new TestIssuer();
            Path key = Files.createTempFile("certfn-google-key", ".json");
            Files.writeString(key, google.newKey("RSA", "google-1").toJson(org.jose4j.jwk.JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
            System.setProperty(GOOGLE_KEY, key.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.auth.google.audience", GOOGLE_AUDIENCE);
        config.put("certfn.auth.google.jwks-url", google.jwksUrl());
        config.put("certfn.store.file.path", store.toString());
        // Tests simulate time passing by editing stored certificates; the read cache would hide that.
        config.put("certfn.store.cache-ttl", "0s");
        config.put("certfn.store.encryption-key", ENCRYPTION_KEY);
        config.put("certfn.auth.api-keys", "ops=" + OPS_KEY + ",web=" + WEB_KEY + ",stranger=" + STRANGER_KEY
                + ",scheduler=" + SCHEDULER_KEY + ",observer=" + OBSERVER_KEY);
        // The tests sweep again and again; the per-caller interval is tested by its own process (RenewalSweepLimitIT).
        config.put("certfn.renewal.sweep-interval", "0s");
        // The suite orders hundreds of certificates with one key; the limits are tested in OrderLimitsIT.
        config.put("certfn.limits.new-certificates-per-hour", "100000");
        config.put("certfn.limits.orders-per-caller", "1000");
        config.put("certfn.policy", """
                {"rules": [
                  {"name": "ops", "match": {"apiKey": "ops"}, "domains": ["*"]},
                  {"name": "scheduler", "match": {"apiKey": "scheduler"}, "domains": ["*"], "actions": ["renew"]},
                  {"name": "observer", "match": {"apiKey": "observer"}, "domains": ["*"], "actions": ["observe"]},
                  {"name": "web", "match": {"apiKey": "web"}, "domains": ["web.certfn.test", "*.apps.certfn.test"]},
                  {"name": "google-web", "match": {"issuer": "google", "email": "%s"}, "domains": ["token.certfn.test"]},
                  {"name": "billing-lambda", "match": {"issuer": "aws", "sub": "%s"}, "domains": ["billing.certfn.test"]}
                ]}""".formatted(GOOGLE_EMAIL, AWS_ROLE));
        return config;
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
        }
        if (google != null) {
            google.close();
        }
    }
}
