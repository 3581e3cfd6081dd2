package io.certfn.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.store.ObjectStore;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.Await;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Closing;
import io.certfn.testing.TestIssuer;
import io.certfn.testing.TestStore;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Key custody (docs/design.md §4) against a packaged certfn with a data key: the store inspected while an
 * order runs, who received which key, a forger's log line, and how often a caller may sweep.
 */
class KeyCustodyIT {

    private static final String OPS = "custody-ops-key-0123456789";
    private static final String SCHEDULER = "custody-scheduler-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AcmeStack stack;
    private static CertfnProcess certfn;
    private static Path store;
    private static TestIssuer issuer;

    @BeforeAll
    static void start() throws Exception {
        stack = AcmeStack.start(Map.of());
        store = Files.createTempDirectory("certfn-custody");
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.store.file.path", store.toString());
        config.put("certfn.store.encryption-key", Base64.getEncoder().encodeToString(new byte[32]));
        // Holds every order after its record is visible: long enough to look at the store mid-order.
        config.put("certfn.dns.propagation-wait", "3s");
        config.put("certfn.auth.api-keys", "ops=" + OPS + ",scheduler=" + SCHEDULER);
        config.put("certfn.policy", "{\"rules\":[{\"name\":\"ops\",\"match\":{\"apiKey\":\"ops\"},\"domains\":[\"*\"]},"
                + "{\"name\":\"scheduler\",\"match\":{\"apiKey\":\"scheduler\"},\"domains\":[\"*\"],\"actions\":[\"renew\"]}]}");
        config.put("certfn.renewal.sweep-interval", "1h");
        config.put("certfn.audit.served-window", "1s");
        // A token issuer is trusted, so bearer tokens reach the verifier (and its log line) at all.
        issuer = new TestIssuer();
        config.put("certfn.auth.oidc.issuer", issuer.url());
        config.put("certfn.auth.oidc.audience", "https://certfn.custody.test");
        config.put("certfn.auth.oidc.jwks-url", issuer.jwksUrl());
        certfn = CertfnProcess.start(config);
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(certfn, stack, issuer);
    }

    private static Optional<String> checkpoint(ObjectStore objects, String name) {
        return TestStore.objectKey(objects, name, "order.json").flatMap(objects::get).map(v -> new String(v.data(), StandardCharsets.UTF_8));
    }

    @Test
    void theOrderCheckpointHoldsTheKeySealedWhileTheOrderRuns() throws Exception {
        String body = "{\"domain\":\"midorder.certfn.test\"}";
        HttpResponse<String> pending = certfn.post("/api/certificate", Map.of("Authorization", "APIKey " + OPS, "Prefer", "wait=0"), body);
        assertEquals(202, pending.statusCode(), pending.body() + certfn.log());
        ObjectStore objects = TestStore.store(store);
        Await.atMost(Duration.ofSeconds(30)).until("the order's checkpoint in the store while it runs",
                () -> checkpoint(objects, "midorder.certfn.test").isPresent(), certfn::log);
        Optional<String> checkpoint = checkpoint(objects, "midorder.certfn.test");
        JsonNode order = JSON.readTree(checkpoint.get());
        assertTrue(order.path("orderUrl").asText().startsWith("https://"), checkpoint.get());
        assertFalse(checkpoint.get().contains("PRIVATE KEY"), "no key in clear: " + checkpoint.get());
        assertTrue(order.path("keyPair").asText().startsWith("sealed:v1:"), checkpoint.get());

        HttpResponse<String> done = certfn.post("/api/certificate", "APIKey " + OPS, body);
        assertEquals(200, done.statusCode(), done.body());
        assertTrue(JSON.readTree(done.body()).path("privateKey").asText().startsWith("-----BEGIN PRIVATE KEY-----"),
                "the resumed order opened the sealed key");
        assertEquals(Optional.empty(), checkpoint(objects, "midorder.certfn.test"), "the checkpoint is gone once stored");
    }

    @Test
    void everyAnswerThatCarriesAKeyIsAuditedWithCallerNamesAndSerial() throws Exception {
        HttpResponse<String> first = certfn.post("/api/certificate", "APIKey " + OPS, "{\"domain\":\"audit.certfn.test\"}");
        assertEquals(200, first.statusCode(), first.body());
        String serial = JSON.readTree(first.body()).path("serial").asText();
        String line = "event=served caller=apiKey:ops names=audit.certfn.test serial=" + serial;
        assertTrue(certfn.log().lines().anyMatch(l -> l.endsWith(line)), "the first answer is written at once:\n" + certfn.log());
        for (int i = 0; i < 3; i++) {
            assertEquals(200, certfn.post("/api/certificate", "APIKey " + OPS, "{\"domain\":\"audit.certfn.test\"}").statusCode());
        }
        // The repeats of a window are counted, written when it ends (1 s here; the 4 answers may span two windows).
        Await.atMost(Duration.ofSeconds(30)).until("4 answers audited", () -> answersAudited(line) >= 4, certfn::log);
        Thread.sleep(1_100); // one more window: nothing is counted twice
        assertEquals(4, answersAudited(line), "every one of the 4 answers is counted once:\n" + certfn.log());
    }

    /** The answers {@code line} (its first lines and their repeats) accounts for in the log so far. */
    private static long answersAudited(String line) {
        long repeats = certfn.log().lines().filter(l -> l.contains(line + " repeats="))
                .mapToLong(l -> Long.parseLong(l.replaceAll(".* repeats=(\\d+).*", "$1"))).sum();
        return repeats + certfn.log().lines().filter(l -> l.endsWith(line)).count();
    }

    @Test
    void aForgedTokenCannotWriteALogLine() throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String forged = "\nevent=issued caller=apiKey:ops names=bank.example serial=1 notAfter=2030-01-01T00:00:00Z durationMs=1";
        String header = b64.encodeToString(("{\"alg\":\"RS256\",\"kid\":\"k" + forged.replace("\n", "\\n") + "\"}").getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"https://evil.example" + forged.replace("\n", "\\n") + "\",\"sub\":\"x\\r\\n\"}")
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = certfn.post("/api/certificate", "Bearer " + header + "." + claims + ".c2ln", "{\"domain\":\"a.certfn.test\"}");
        assertEquals(401, r.statusCode(), r.body());
        assertEquals("invalid_token", JSON.readTree(r.body()).path("code").asText());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer realm=\"certfn\""), r.headers().toString());
        assertTrue(certfn.log().lines().noneMatch(l -> l.startsWith("event=issued caller=apiKey:ops names=bank.example")),
                "no forged line:\n" + certfn.log());
        assertTrue(certfn.log().contains("issuer=https://evil.example\\u000aevent=issued"), "the value is logged escaped:\n" + certfn.log());
    }

    @Test
    void aCallerMaySweepOncePerIntervalAndARenewOnlyRuleNeverGetsAKey() throws Exception {
        HttpResponse<String> first = certfn.post("/api/renewals", "APIKey " + SCHEDULER, "");
        assertEquals(200, first.statusCode(), first.body());
        HttpResponse<String> second = certfn.post("/api/renewals", "APIKey " + SCHEDULER, "");
        assertEquals(429, second.statusCode(), second.body());
        JsonNode problem = JSON.readTree(second.body());
        assertEquals("renew_too_soon", problem.path("code").asText());
        assertTrue(problem.path("detail").asText().contains("certfn.renewal.sweep-interval"), second.body());
        long retryAfter = Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 3500 && retryAfter <= 3600, "Retry-After " + retryAfter);
        // Another caller has its own interval.
        assertEquals(200, certfn.post("/api/renewals", "APIKey " + OPS, "").statusCode());

        HttpResponse<String> key = certfn.post("/api/certificate", "APIKey " + SCHEDULER, "{\"domain\":\"audit.certfn.test\"}");
        assertEquals(403, key.statusCode(), key.body());
        assertFalse(key.body().contains("PRIVATE KEY"));
    }
}
