package io.certfn.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.CertfnProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged app as the cloud builds run it (certfn.observe.requires-caller=true, a public URL),
 * asked by a stranger: metrics and readiness answer only a caller whose rule allows observe, the
 * platforms' probes stay open, and readiness reuses its store probe instead of reading the store
 * on every hit.
 */
class ObserveGuardIT {

    private static final String OPS = "observe-ops-key-0123456789";
    private static final String WATCHER = "observe-watcher-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path store;

    private static HttpResponse<String> get(CertfnProcess certfn, String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(certfn.url(path))).GET();
        if (key != null) {
            request.header("Authorization", "APIKey " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void onlyAnObserverReadsMetricsAndReadinessAndReadinessReusesItsStoreProbe() throws Exception {
        Map<String, String> config = CertfnProcess.config(Map.of(),
                "certfn.acme.directory", "https://127.0.0.1:9/dir",
                "certfn.dns.rfc2136.server", "127.0.0.1:9",
                "certfn.store.file.path", store.toString(),
                "certfn.auth.api-keys", "ops=" + OPS + ",watcher=" + WATCHER,
                "certfn.observe.requires-caller", "true",
                "certfn.policy", "{\"rules\":[{\"name\":\"ops\",\"match\":{\"apiKey\":\"ops\"},\"domains\":[\"*\"]},"
                        + "{\"name\":\"watcher\",\"match\":{\"apiKey\":\"watcher\"},\"domains\":[\"*\"],\"actions\":[\"observe\"]}]}");
        try (CertfnProcess certfn = CertfnProcess.start(config)) {
            for (String path : new String[] {"/q/metrics", "/q/health/ready", "/q/health", "/q/health/ready/"}) {
                HttpResponse<String> stranger = get(certfn, path, null);
                assertEquals(401, stranger.statusCode(), path + ": " + stranger.body());
                JsonNode problem = JSON.readTree(stranger.body());
                assertEquals("unauthenticated", problem.path("code").asText(), stranger.body());
                assertTrue(stranger.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
                assertFalse(stranger.body().contains("certfn_") || stranger.body().contains("\"checks\""), "nothing leaks: " + stranger.body());

                HttpResponse<String> ops = get(certfn, path, OPS);
                assertEquals(403, ops.statusCode(), path + ": " + ops.body());
                assertTrue(JSON.readTree(ops.body()).path("detail").asText().contains("allows the action 'observe'"), ops.body());
            }
            // An API answer, counted in certfn_requests_total, which the observer then reads.
            assertEquals(401, certfn.post("/api/certificate", java.util.Map.of(), "{\"domain\":\"x.certfn.test\"}").statusCode());
            HttpResponse<String> metrics = get(certfn, "/q/metrics", WATCHER);
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("certfn_requests_total"), "the observer reads certfn's meters: " + metrics.body());
            // The CA of this config cannot be reached, so readiness is 503 — answered, with its checks named.
            HttpResponse<String> ready = get(certfn, "/q/health/ready", WATCHER);
            assertTrue(ready.body().contains("\"store\""), ready.body());
            double before = storeGets(certfn);
            for (int i = 0; i < 5; i++) {
                assertTrue(get(certfn, "/q/health/ready", WATCHER).body().contains("\"store\""));
            }
            assertEquals(before, storeGets(certfn), "readiness reused its store probe (certfn.health.recheck-after)");
            assertEquals(200, get(certfn, "/q/health/live", null).statusCode());
            assertEquals(204, get(certfn, "/healthz", null).statusCode());
        }
    }

    private static double storeGets(CertfnProcess certfn) throws Exception {
        String metrics = get(certfn, "/q/metrics", WATCHER).body();
        Matcher m = Pattern.compile("^certfn_store_calls_seconds_count\\{[^}]*op=\"get\"[^}]*\\} (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
