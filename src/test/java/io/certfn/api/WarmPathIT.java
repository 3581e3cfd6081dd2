package io.certfn.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The warm path with certfn's memory cache on (the Quarkus tests turn it off): a cached
 * certificate is answered on the event loop only to a caller admitted without doubt; every other
 * request — a wrong key, a denied name, a wait preference — takes the full path, with the same
 * errors and audit lines as when nothing is cached.
 */
class WarmPathIT {

    private static final String OPS = "warm-ops-key-0123456789";
    private static final String WEB = "warm-web-key-0123456789";
    private static final String BODY = "{\"domain\":\"warm.certfn.test\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AcmeStack stack;
    private static CertfnProcess certfn;

    @BeforeAll
    static void start() throws Exception {
        stack = AcmeStack.start(Map.of());
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.store.file.path", Files.createTempDirectory("certfn-warm").toString());
        config.put("certfn.store.cache-ttl", "10m");
        config.put("certfn.auth.api-keys", "ops=" + OPS + ",web=" + WEB);
        config.put("certfn.policy", "{\"rules\":[{\"name\":\"ops\",\"match\":{\"apiKey\":\"ops\"},\"domains\":[\"*\"]},"
                + "{\"name\":\"web\",\"match\":{\"apiKey\":\"web\"},\"domains\":[\"web.certfn.test\"]}]}");
        certfn = CertfnProcess.start(config);
    }

    @AfterAll
    static void stop() throws Exception {
        if (certfn != null) {
            certfn.close();
        }
        stack.close();
    }

    @Test
    void aCachedCertificateIsAnsweredOnlyToWhomThePolicyGrantsIt() throws Exception {
        HttpResponse<String> issued = certfn.post("/api/certificate", "APIKey " + OPS, BODY);
        assertEquals(200, issued.statusCode(), issued.body() + certfn.log());
        HttpResponse<String> cached = certfn.post("/api/certificate", "APIKey " + OPS, BODY);
        assertEquals(200, cached.statusCode(), cached.body());
        JsonNode answer = JSON.readTree(cached.body());
        assertTrue(answer.path("cached").asBoolean(), cached.body());
        assertEquals(JSON.readTree(issued.body()).path("serial"), answer.path("serial"));
        assertEquals(cached.body(), certfn.post("/api/certificate", "APIKey " + OPS, BODY).body(), "the same bytes every time");
        int orders = stack.orderCount();

        HttpResponse<String> denied = certfn.post("/api/certificate", "APIKey " + WEB, BODY);
        assertEquals(403, denied.statusCode(), denied.body());
        assertEquals("domain_not_allowed", JSON.readTree(denied.body()).path("code").asText());
        assertTrue(certfn.log().contains("event=denied caller=apiKey:web"), "the denial is audited: " + certfn.log());

        HttpResponse<String> wrongKey = certfn.post("/api/certificate", "APIKey not-" + OPS, BODY);
        assertEquals(401, wrongKey.statusCode(), wrongKey.body());
        assertEquals("invalid_credentials", JSON.readTree(wrongKey.body()).path("code").asText());

        HttpResponse<String> noAuth = certfn.post("/api/certificate", Map.of(), BODY);
        assertEquals(401, noAuth.statusCode(), noAuth.body());
        assertEquals("unauthenticated", JSON.readTree(noAuth.body()).path("code").asText());

        HttpResponse<String> badBody = certfn.post("/api/certificate", "APIKey " + OPS, "{\"domain\":");
        assertEquals(400, badBody.statusCode(), badBody.body());
        assertEquals("invalid_body", JSON.readTree(badBody.body()).path("code").asText());
        assertTrue(JSON.readTree(badBody.body()).path("detail").asText().contains("not valid JSON"), badBody.body());

        HttpResponse<String> waiting = certfn.post("/api/certificate", Map.of("Authorization", "APIKey " + OPS, "Prefer", "wait=5"), BODY);
        assertEquals(200, waiting.statusCode(), waiting.body());
        assertEquals("wait=5", waiting.headers().firstValue("Preference-Applied").orElse(""), "the full path answered");
        assertEquals(cached.body(), waiting.body());
        assertEquals(orders, stack.orderCount(), "nothing was ordered again");
    }
}
