package io.certfn.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Closing;
import io.certfn.testing.TestCa;
import io.certfn.testing.TestIssuer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /q/health/ready} goes red check by check as its component fails — the CA's directory,
 * the DNS server, a token issuer's keys, the store — naming what failed while the others stay
 * green; {@code /q/health/live} stays up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadinessIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AcmeStack stack;
    private TestCa ca;
    private TestIssuer issuer;
    private Map<String, String> healthy;

    @BeforeAll
    void start() throws Exception {
        stack = AcmeStack.start(Map.of());
        ca = TestCa.start(stack);
        issuer = new TestIssuer();
        issuer.newKey("RSA", "ready-key-1");
        healthy = new HashMap<>(ca.certfnConfig());
        healthy.put("certfn.store.file.path", Files.createTempDirectory("certfn-ready").toString());
        healthy.put("certfn.auth.api-keys", "ops=ready-ops-key-0123456789");
        healthy.put("certfn.auth.oidc.issuer", issuer.url());
        healthy.put("certfn.auth.oidc.audience", "https://certfn.ready.test");
        healthy.put("certfn.auth.oidc.jwks-url", issuer.jwksUrl());
        healthy.put("certfn.policy", "{\"rules\":[{\"name\":\"ops\",\"match\":{\"apiKey\":\"ops\"},\"domains\":[\"*.certfn.test\"]}]}");
        healthy.put("certfn.health.recheck-after", "0s");
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(issuer, ca, stack);
    }

    /** The status of each check, and the data of the failing ones. */
    private static Map<String, JsonNode> checks(HttpResponse<String> ready) throws Exception {
        Map<String, JsonNode> checks = new TreeMap<>();
        for (JsonNode check : JSON.readTree(ready.body()).path("checks")) {
            checks.put(check.path("name").asText(), check);
        }
        return checks;
    }

    private static void onlyDown(HttpResponse<String> ready, String failing) throws Exception {
        assertEquals(failing == null ? 200 : 503, ready.statusCode(), ready.body());
        Map<String, JsonNode> checks = checks(ready);
        assertEquals(java.util.Set.of("store", "acme-directory", "dns", "token-issuers"), checks.keySet(), ready.body());
        checks.forEach((name, check) -> assertEquals(name.equals(failing) ? "DOWN" : "UP", check.path("status").asText(), ready.body()));
    }

    @Test
    void theCasDirectoryThenTheStoreGoRedAndBackNamingWhatFailed() throws Exception {
        Path store = Path.of(healthy.get("certfn.store.file.path"));
        try (CertfnProcess certfn = CertfnProcess.start(healthy)) {
            assertEquals(200, certfn.get("/q/health/live").statusCode());
            onlyDown(certfn.get("/q/health/ready"), null);

            ca.fail("/dir", 503, "serverInternal", "The service is down for maintenance", null, -1);
            HttpResponse<String> caDown = certfn.get("/q/health/ready");
            onlyDown(caDown, "acme-directory");
            String why = checks(caDown).get("acme-directory").path("data").path(ca.directory()).asText();
            assertTrue(why.contains("down for maintenance"), "names the CA and why: " + caDown.body());
            ca.reset();
            onlyDown(certfn.get("/q/health/ready"), null);

            // The store's folder replaced by a file: reads fail.
            try (var files = Files.walk(store)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            Files.writeString(store, "not a folder");
            HttpResponse<String> storeDown = certfn.get("/q/health/ready");
            onlyDown(storeDown, "store");
            assertEquals(200, certfn.get("/q/health/live").statusCode(), "alive: the process serves");
        } finally {
            if (Files.isRegularFile(store)) {
                Files.delete(store);
            }
            Files.createDirectories(store);
        }
    }

    @Test
    void aDnsServerThatDoesNotAnswerIsRed() throws Exception {
        Map<String, String> config = new HashMap<>(healthy);
        config.put("certfn.dns.rfc2136.server", "127.0.0.1:" + CertfnProcess.freePort());
        config.put("certfn.dns.rfc2136.zone", stack.zone());
        try (CertfnProcess certfn = CertfnProcess.start(config)) {
            HttpResponse<String> ready = certfn.get("/q/health/ready");
            onlyDown(ready, "dns");
            assertTrue(checks(ready).get("dns").path("data").path("error").asText().contains("127.0.0.1"), ready.body());
        }
    }

    @Test
    void anIssuerWhoseKeysCannotBeFetchedIsRedAndNamed() throws Exception {
        Map<String, String> config = new HashMap<>(healthy);
        config.put("certfn.auth.oidc.jwks-url", "http://127.0.0.1:" + CertfnProcess.freePort() + "/jwks");
        try (CertfnProcess certfn = CertfnProcess.start(config)) {
            HttpResponse<String> ready = certfn.get("/q/health/ready");
            onlyDown(ready, "token-issuers");
            JsonNode data = checks(ready).get("token-issuers").path("data");
            assertTrue(data.toString().contains(issuer.url()) && data.toString().contains("no signing keys"), ready.body());
            assertFalse(ready.body().contains("ready-ops-key"), "never a secret");
        }
    }
}
