package io.certfn.metrics;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an operator reads: after a scripted sequence of requests — issued, served again, refused
 * tokens, a too-early renewal, an order the CA refuses — {@code /q/metrics} holds each with its
 * labels and counts, and the gauges of the certificate's expiry; with JSON logs on (as the cloud
 * builds have them) every log line is a JSON record and the audit records carry their fields.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "ops-observed-key-0123456789";
    private static final String AUDIENCE = "https://certfn.observed.test";

    private AcmeStack stack;
    private TestCa ca;
    private TestIssuer issuer;
    private PublicJsonWebKey signingKey;
    private Map<String, String> config;

    @BeforeAll
    void start() throws Exception {
        stack = AcmeStack.start(Map.of());
        ca = TestCa.start(stack);
        issuer = new TestIssuer();
        signingKey = issuer.newKey("RSA", "observed-key-1");
        config = new HashMap<>(ca.certfnConfig());
        config.put("certfn.store.file.path", Files.createTempDirectory("certfn-observed").toString());
        config.put("certfn.auth.api-keys", "ops=" + KEY);
        config.put("certfn.auth.oidc.issuer", issuer.url());
        config.put("certfn.auth.oidc.audience", AUDIENCE);
        config.put("certfn.auth.oidc.jwks-url", issuer.jwksUrl());
        config.put("certfn.policy", "{\"rules\":[{\"name\":\"ops\",\"match\":{\"apiKey\":\"ops\"},\"domains\":[\"*.certfn.test\"]},"
                + "{\"name\":\"wl\",\"match\":{\"issuer\":\"oidc\",\"sub\":\"workload-1\"},\"domains\":[\"wl.certfn.test\"]}]}");
        config.put("quarkus.log.console.json.enabled", "true");
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(issuer, ca, stack);
    }

    private String token(String audience) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer.url());
        claims.setSubject("workload-1");
        claims.setAudience(audience);
        claims.setIssuedAt(NumericDate.now());
        claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + 600));
        return TestIssuer.sign(claims, signingKey, "RS256");
    }

    @Test
    void aScriptedSequenceShowsInTheMetricsAndTheJsonLogs() throws Exception {
        try (CertfnProcess certfn = CertfnProcess.start(config)) {
            String body = "{\"domains\":[\"observed.certfn.test\"]}";
            assertEquals(200, certfn.post("/api/certificate", "APIKey " + KEY, body).statusCode());
            assertEquals(200, certfn.post("/api/certificate", "APIKey " + KEY, body).statusCode());
            assertEquals(429, certfn.post("/api/certificate/renew", "APIKey " + KEY, body).statusCode());
            assertEquals(401, certfn.post("/api/certificate", "Bearer " + token("https://someone.else.test"), body).statusCode());
            String stranger = TestIssuer.sign(new JwtClaims() {
                {
                    setIssuer("https://stranger.test/" + Math.random());
                    setSubject("x");
                    setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + 600));
                }
            }, signingKey, "RS256");
            assertEquals(401, certfn.post("/api/certificate", "Bearer " + stranger, body).statusCode());
            HttpResponse<String> notGranted = certfn.post("/api/certificate", "Bearer " + token(AUDIENCE), body);
            assertEquals(403, notGranted.statusCode(), notGranted.body());
            ca.fail("newOrder", 400, "rejectedIdentifier", "The name refused.certfn.test is on a block list", null, 1);
            HttpResponse<String> refused = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domains\":[\"refused.certfn.test\"]}");
            assertEquals("acme_rejected", JSON.readTree(refused.body()).path("code").asText(), refused.body());

            HttpResponse<String> scrape = certfn.get("/q/metrics");
            assertEquals(200, scrape.statusCode());
            String metrics = scrape.body();
            assertEquals(2.0, value(metrics, "certfn_requests_total", "code=\"none\",endpoint=\"/api/certificate\",outcome=\"ok\""), metrics);
            assertEquals(1.0, value(metrics, "certfn_requests_total",
                    "code=\"renew_too_soon\",endpoint=\"/api/certificate/renew\",outcome=\"rejected\""));
            assertEquals(2.0, value(metrics, "certfn_requests_total", "code=\"invalid_token\",endpoint=\"/api/certificate\",outcome=\"rejected\""));
            assertEquals(1.0, value(metrics, "certfn_requests_total", "code=\"domain_not_allowed\",endpoint=\"/api/certificate\",outcome=\"rejected\""));
            assertEquals(1.0, value(metrics, "certfn_token_rejections_total", "issuer=\"oidc\",reason=\"audience_mismatch\""));
            assertEquals(1.0, value(metrics, "certfn_token_rejections_total", "issuer=\"untrusted\",reason=\"issuer_not_trusted\""));
            assertFalse(metrics.contains("stranger.test"), "a stranger's issuer never becomes a label");
            assertEquals(1.0, value(metrics, "certfn_issuance_seconds_count", "kind=\"issued\""));
            assertEquals(1.0, value(metrics, "certfn_issuance_failures_total", "code=\"acme_rejected\""));
            assertEquals(0.0, value(metrics, "certfn_orders_in_flight", null));
            assertTrue(value(metrics, "certfn_dns_propagation_seconds_count", null) >= 1.0);
            assertTrue(value(metrics, "certfn_lease_wait_seconds_count", "acquired=\"true\"") >= 2.0);
            assertTrue(value(metrics, "certfn_cache_lookups_total", "result=\"hit\"") >= 1.0);
            assertTrue(value(metrics, "certfn_store_calls_seconds_count", "backend=\"file\",error=\"false\",op=\"put\"") >= 1.0);
            double expiry = valueMatching(metrics, "certfn_certificate_expiry_seconds", "name=\"observed.certfn.test\"");
            double renewal = valueMatching(metrics, "certfn_certificate_renewal_seconds", "name=\"observed.certfn.test\"");
            assertTrue(expiry > 86_400 && renewal > 0 && renewal < expiry, "expires in days, due before: " + expiry + " " + renewal);
            double left = valueMatching(metrics, "certfn_certificate_lifetime_remaining_ratio", "name=\"observed.certfn.test\"");
            assertTrue(left > 0.99 && left <= 1.0, "just issued: its whole lifetime ahead: " + left);
            assertFalse(metrics.contains(KEY), "never a secret");

            List<JsonNode> records = records(certfn.log());
            JsonNode issued = audit(records, "issued");
            assertEquals("apiKey:ops", issued.path("mdc").path("caller").asText(), issued.toString());
            assertEquals("observed.certfn.test", issued.path("mdc").path("names").asText());
            assertFalse(issued.path("mdc").path("serial").asText().isEmpty());
            assertEquals("INFO", issued.path("level").asText());
            assertTrue(issued.path("message").asText().startsWith("event=issued caller=apiKey:ops"), "the line an operator greps stays");
            JsonNode denied = audit(records, "denied");
            assertTrue(List.of("invalid_token", "domain_not_allowed").contains(denied.path("mdc").path("code").asText()), denied.toString());
        }
    }

    /** Every line of output is a JSON log record. */
    private static List<JsonNode> records(String log) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            assertTrue(line.startsWith("{"), "not a JSON record: " + line);
            records.add(JSON.readTree(line));
        }
        return records;
    }

    private static JsonNode audit(List<JsonNode> records, String event) {
        return records.stream().filter(r -> r.path("loggerName").asText().equals("certfn.audit"))
                .filter(r -> r.path("mdc").path("event").asText().equals(event)).findFirst()
                .orElseThrow(() -> new AssertionError("no audit record event=" + event + " in " + records));
    }

    /** The sample {@code name{labels}} (labels as Prometheus writes them, sorted; null: none). */
    private static double value(String metrics, String name, String labels) {
        String sample = labels == null ? name : name + "{" + labels + "}";
        for (String line : metrics.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).strip());
            }
        }
        throw new AssertionError("no sample " + sample + " in:\n" + metrics.lines().filter(l -> l.startsWith("certfn_")).toList());
    }

    private static double valueMatching(String metrics, String name, String label) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(label) + "[^}]*\\} (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics);
        assertTrue(m.find(), "no " + name + " with " + label);
        return Double.parseDouble(m.group(1));
    }
}
