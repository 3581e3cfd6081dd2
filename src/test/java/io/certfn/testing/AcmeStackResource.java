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

    public static final String OPS_KEY = "ops-key-0123456789abcdef";
    public static final String WEB_KEY = "web-key-0123456789abcdef";
    public static final String STRANGER_KEY = "stranger-key-0123456789";

    private AcmeStack stack;

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
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.store.file.path", store.toString());
        config.put("certfn.auth.api-keys", "ops=" + OPS_KEY + ",web=" + WEB_KEY + ",stranger=" + STRANGER_KEY);
        config.put("certfn.policy", """
                {"rules": [
                  {"name": "ops", "match": {"apiKey": "ops"}, "domains": ["*"]},
                  {"name": "web", "match": {"apiKey": "web"}, "domains": ["web.certfn.test", "*.apps.certfn.test"]}
                ]}""");
        return config;
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
        }
    }
}
