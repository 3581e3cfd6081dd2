package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Closing;
import io.certfn.testing.TestCa;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A CA that rate-limits the account, as Let's Encrypt does (429 {@code rateLimited} with
 * {@code Retry-After}): README's {@code 429 acme_rate_limited}, with the CA's Retry-After and its
 * text, over HTTP. Through {@link TestCa}, which also proves the proxy itself transparent.
 */
class RateLimitedCaIT {

    private static final String KEY = "rate-limited-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRateLimitedOrderIs429WithTheCasRetryAfterAndText() throws Exception {
        AcmeStack stack = AcmeStack.start(Map.of());
        TestCa ca = null;
        CertfnProcess certfn = null;
        try {
            ca = TestCa.start(stack);
            certfn = CertfnProcess.start(CertfnProcess.config(ca.certfnConfig(),
                    "certfn.store.file.path", Files.createTempDirectory("certfn-rate-limited").toString(),
                    "certfn.auth.api-keys", "ops=" + KEY));
            HttpResponse<String> through = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"through.certfn.test\"}");
            assertEquals(200, through.statusCode(), through.body() + certfn.log() + ca.log());
            JsonNode orders = ca.orders();
            assertEquals(1, orders.size(), orders.toString());
            assertEquals("through.certfn.test", orders.get(0).path("identifiers").get(0).path("value").asText());

            String text = "too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s";
            ca.fail("newOrder", 429, "rateLimited", text, 3600, 1);
            HttpResponse<String> limited = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"limited.certfn.test\"}");
            assertEquals(429, limited.statusCode(), limited.body() + certfn.log());
            JsonNode problem = JSON.readTree(limited.body());
            assertEquals("acme_rate_limited", problem.path("code").asText(), limited.body());
            assertTrue(problem.path("detail").asText().contains(text), problem.toString());
            assertTrue(problem.path("detail").asText().contains("urn:ietf:params:acme:error:rateLimited"), problem.toString());
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter > 3500 && retryAfter <= 3600, "the CA's Retry-After: " + retryAfter);

            HttpResponse<String> later = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"limited.certfn.test\"}");
            assertEquals(200, later.statusCode(), "the limit lifted, the next request orders: " + later.body());
        } finally {
            Closing.all(certfn, ca, stack);
        }
    }
}
