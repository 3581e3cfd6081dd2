package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.Await;
import io.certfn.testing.CertfnProcess;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CA that cannot see the challenge record: Pebble's validation asks a DNS server where nothing
 * listens, while certfn publishes to the real Knot. The order must fail with the CA's own problem,
 * leave no TXT record and nothing half-written in the store.
 */
class FailingCaIT {

    private static final String KEY = "failing-key-0123456789";

    @TempDir
    Path store;

    /** The order is running once its checkpoint is in the store. */
    private void awaitCheckpoint(CertfnProcess certfn) throws Exception {
        Await.atMost(Duration.ofSeconds(30)).every(Duration.ofMillis(10)).until("the order's order.json", this::hasCheckpoint, certfn::log);
    }

    private boolean hasCheckpoint() throws java.io.IOException {
        if (!Files.isDirectory(store.resolve("certs"))) {
            return false;
        }
        try (Stream<Path> files = Files.walk(store.resolve("certs"))) {
            return files.anyMatch(p -> p.getFileName().toString().equals("order.json"));
        } catch (java.io.UncheckedIOException renamedWhileWalking) {
            return false;
        }
    }

    @Test
    void caThatCannotSeeTheRecordGives502WithItsProblemAndLeavesNothingBehind() throws Exception {
        int deadPort;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        try (AcmeStack stack = AcmeStack.start(Map.of("STACK_PEBBLE_DNS", "127.0.0.1:" + deadPort));
             CertfnProcess certfn = CertfnProcess.start(CertfnProcess.config(stack.certfnConfig(),
                     "certfn.store.file.path", store.toString(), "certfn.auth.api-keys", "t=" + KEY))) {
            String body = "{\"domain\":\"blind.certfn.test\"}";
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> post(certfn, body));
            awaitCheckpoint(certfn);
            // Requests that come while the order runs wait on it (off the worker threads) and get its failure.
            List<CompletableFuture<HttpResponse<String>>> joined = Stream.generate(() -> CompletableFuture.supplyAsync(() -> post(certfn, body)))
                    .limit(4).toList();
            HttpResponse<String> r = first.join();
            for (CompletableFuture<HttpResponse<String>> other : joined) {
                HttpResponse<String> o = other.join();
                assertEquals(502, o.statusCode(), o.body());
                assertEquals("acme_error", new ObjectMapper().readTree(o.body()).path("code").asText(), o.body());
            }
            assertEquals(502, r.statusCode(), r.body());
            assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
            JsonNode problem = new ObjectMapper().readTree(r.body());
            assertEquals("acme_error", problem.path("code").asText());
            String detail = problem.path("detail").asText();
            assertTrue(detail.contains("urn:ietf:params:acme:error:"), detail);
            assertTrue(detail.contains("dns-01"), detail);

            assertEquals(List.of(), stack.txt("_acme-challenge.blind.certfn.test"), "TXT record cleaned up");
            try (Stream<Path> files = Files.walk(store.resolve("certs"))) {
                List<String> left = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
                assertEquals(List.of(), left, "no certificate, checkpoint or lease left");
            }
            try (Stream<Path> files = Files.list(store.resolve("failures"))) {
                assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith(".json")).count(), "the failure is recorded");
            }
            assertFalse(certfn.log().contains("event=issued"), "no issuance audited");
            assertEquals(1, stack.orderCount(), "one order for all five requests");

            // The CA would refuse again: no instance asks it before the backoff ends (Let's Encrypt
            // pauses an account that keeps failing validations for a name).
            assertBackingOff(post(certfn, body));
            try (CertfnProcess other = CertfnProcess.start(CertfnProcess.config(stack.certfnConfig(),
                    "certfn.store.file.path", store.toString(), "certfn.auth.api-keys", "t=" + KEY))) {
                assertBackingOff(post(other, body));
            }
            assertEquals(1, stack.orderCount(), "still one order after two more requests on two instances");

            // The backoff is the names', whatever the key type, profile or a client's CSR key: Let's Encrypt counts
            // failed validations per name, and another key type or a rotated CSR key is no way around it.
            try (CertfnProcess other = CertfnProcess.start(CertfnProcess.config(stack.certfnConfig(),
                    "certfn.store.file.path", store.toString(), "certfn.auth.api-keys", "t=" + KEY))) {
                for (String keyType : List.of("ec384", "rsa2048")) {
                    assertBackingOff(post(certfn, "{\"domain\":\"blind.certfn.test\",\"keyType\":\"" + keyType + "\"}"));
                    assertBackingOff(post(other, "{\"domain\":\"blind.certfn.test\",\"keyType\":\"" + keyType + "\"}"));
                }
                for (CertfnProcess instance : List.of(certfn, other)) {
                    java.security.KeyPair fresh = java.security.KeyPairGenerator.getInstance("EC").generateKeyPair();
                    String csr = io.certfn.testing.TestCerts.csrPem(io.certfn.testing.TestCerts.csr(fresh, "blind.certfn.test"))
                            .replace("\n", "\\n");
                    assertBackingOff(post(instance, "{\"domain\":\"blind.certfn.test\",\"csr\":\"" + csr + "\"}"));
                }
            }
            assertEquals(1, stack.orderCount(), "one order at the CA within the backoff, for every key type and CSR key");
        }
    }

    private static void assertBackingOff(HttpResponse<String> r) throws Exception {
        assertEquals(429, r.statusCode(), r.body());
        JsonNode problem = new ObjectMapper().readTree(r.body());
        assertEquals("issuance_backoff", problem.path("code").asText(), r.body());
        assertTrue(problem.path("detail").asText().contains("dns-01") && problem.path("detail").asText().contains("failures/"),
                "repeats the last failure and says how to clear it: " + r.body());
        long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 800 && retryAfter <= 900, "certfn.renewal.failure-backoff (15 min) after one failure: " + retryAfter);
    }

    private static HttpResponse<String> post(CertfnProcess certfn, String body) {
        try {
            return certfn.post("/api/certificate", "APIKey " + KEY, body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
