package io.certfn.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.Await;
import io.certfn.testing.CertfnProcess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens from an independent, real OIDC server: panva/oidc-provider (npm, installed by
 * {@code make test} into {@code src/test/oidc-provider}), client_credentials with an RFC 8707
 * {@code resource}. certfn finds its keys by OIDC discovery.
 */
class OidcProviderIT {

    private static final Path SERVER = Path.of("src/test/oidc-provider");
    private static final String AUDIENCE = "https://certfn.test/api";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static AcmeStack stack;
    private static Process provider;
    private static String issuer;

    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isDirectory(SERVER.resolve("node_modules/oidc-provider"))) {
            throw new IllegalStateException("oidc-provider is not installed: run `npm ci --prefix " + SERVER + "` (make test does)");
        }
        stack = AcmeStack.start(Map.of());
        int port = CertfnProcess.freePort();
        issuer = "http://127.0.0.1:" + port;
        provider = new ProcessBuilder("node", "server.mjs", String.valueOf(port)).directory(SERVER.toFile())
                .redirectErrorStream(true).redirectOutput(Files.createTempFile("oidc-provider", ".log").toFile()).start();
        Await.atMost(Duration.ofSeconds(30)).every(Duration.ofMillis(100)).until("oidc-provider started", () -> {
            if (!provider.isAlive()) {
                throw new IllegalStateException("oidc-provider exited with " + provider.exitValue());
            }
            return HTTP.send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
    }

    @AfterAll
    static void stop() {
        if (provider != null) {
            provider.destroy();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static String token(String resource) throws Exception {
        String form = "grant_type=client_credentials&scope=certs.issue&resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8);
        String basic = Base64.getEncoder().encodeToString("workload:workload-secret-0123456789".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    @Test
    void realIssuersTokenIsAcceptedAndAnotherAudienceIsNot() throws Exception {
        Map<String, String> config = CertfnProcess.config(stack.certfnConfig(),
                "certfn.store.file.path", store.toString(),
                "certfn.auth.oidc.issuer", issuer,
                "certfn.auth.oidc.audience", AUDIENCE,
                "certfn.auth.oidc.required-scopes", "certs.issue",
                "certfn.policy", "{\"rules\":[{\"name\":\"workload\",\"match\":{\"issuer\":\"oidc\",\"sub\":\"workload\"},"
                        + "\"domains\":[\"oidc.certfn.test\"]}]}");
        try (CertfnProcess certfn = CertfnProcess.start(config)) {
            HttpResponse<String> ok = certfn.post("/api/certificate", "Bearer " + token(AUDIENCE), "{\"domain\":\"oidc.certfn.test\"}");
            assertEquals(200, ok.statusCode(), ok.body() + "\n" + certfn.log());
            assertEquals("oidc.certfn.test", JSON.readTree(ok.body()).path("domain").asText());

            HttpResponse<String> other = certfn.post("/api/certificate", "Bearer " + token("https://other.test/api"),
                    "{\"domain\":\"oidc.certfn.test\"}");
            assertEquals(401, other.statusCode(), other.body());
            JsonNode problem = JSON.readTree(other.body());
            assertEquals("audience_mismatch", problem.path("reason").asText());
            assertTrue(problem.path("detail").asText().contains("'https://other.test/api'"), problem.toString());
            assertTrue(certfn.log().contains("Rejected bearer token: reason=audience_mismatch issuer=" + issuer + " sub=workload"),
                    certfn.log());
        }
    }
}
