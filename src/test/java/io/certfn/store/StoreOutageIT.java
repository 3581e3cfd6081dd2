package io.certfn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.stores.StoreServer;
import io.certfn.testing.stores.Stores;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A store that fails or cannot be reached is a {@code 503 storage_unavailable} with
 * {@code Retry-After} naming the bucket, after bounded retries; when it comes back, certfn serves
 * what it stored before, whole.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreOutageIT {

    private static final String KEY = "outage-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private AcmeStack stack;
    private StoreServer gcs;

    @BeforeAll
    void start() {
        stack = AcmeStack.start(Map.of());
        gcs = Stores.start("gcs");
    }

    @AfterAll
    void stop() {
        stack.close();
        gcs.close();
    }

    private Map<String, String> config(Map<String, String> store) {
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.putAll(store);
        config.put("certfn.auth.api-keys", "ops=" + KEY);
        config.put("certfn.store.cache-ttl", "0s");
        config.put("certfn.store.timeout", "3s");
        return config;
    }

    @Test
    void aFailingBackendIs503WithRetryAfterAndRecoveryServesTheStoredCertificate() throws Exception {
        try (CertfnProcess certfn = CertfnProcess.start(config(gcs.certfnConfig("outage")))) {
            String body = "{\"domain\":\"outage.certfn.test\"}";
            HttpResponse<String> issued = certfn.post("/api/certificate", "APIKey " + KEY, body);
            assertEquals(200, issued.statusCode(), issued.body());

            gcs.failWith(503);
            HttpResponse<String> down = certfn.post("/api/certificate", "APIKey " + KEY, body);
            gcs.failWith(0);
            assertEquals(503, down.statusCode(), down.body());
            assertEquals("application/problem+json", down.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(down.headers().firstValue("Retry-After").isPresent());
            JsonNode problem = JSON.readTree(down.body());
            assertEquals("storage_unavailable", problem.path("code").asText());
            assertTrue(problem.path("detail").asText().contains("gs://certfn-test/outage/certs/"), problem.toString());

            HttpResponse<String> back = certfn.post("/api/certificate", "APIKey " + KEY, body);
            assertEquals(200, back.statusCode(), back.body());
            assertEquals(JSON.readTree(issued.body()).path("serial"), JSON.readTree(back.body()).path("serial"));
            assertTrue(JSON.readTree(back.body()).path("cached").asBoolean());
        }
    }

    @Test
    void anUnreachableBucketIs503NamingIt() throws Exception {
        Map<String, String> s3 = new HashMap<>(Map.of(
                "certfn.store.type", "s3",
                "certfn.store.s3.bucket", "nowhere",
                "certfn.store.s3.endpoint", "http://127.0.0.1:" + CertfnProcess.freePort(),
                "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test-secret"));
        try (CertfnProcess certfn = CertfnProcess.start(config(s3))) {
            HttpResponse<String> r = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"down.certfn.test\"}");
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
            JsonNode problem = JSON.readTree(r.body());
            assertEquals("storage_unavailable", problem.path("code").asText());
            assertTrue(problem.path("detail").asText().contains("s3://nowhere/certs/"), problem.toString());
            assertTrue(problem.path("detail").asText().contains("could not be reached"), problem.toString());
            assertFalse(r.body().contains("test-secret"));
        }
    }

    @Test
    void anUnreachableAzureBlobEndpointIs503NamingTheContainer() throws Exception {
        int dead = CertfnProcess.freePort();
        Map<String, String> azure = Map.of(
                "certfn.store.type", "azure-blob",
                "certfn.store.azure.container", "certs-outage",
                "certfn.store.azure.connection-string", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                        + "BlobEndpoint=http://127.0.0.1:" + dead + "/devstoreaccount1;");
        try (CertfnProcess certfn = CertfnProcess.start(config(azure))) {
            HttpResponse<String> r = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"blob-down.certfn.test\"}");
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
            JsonNode problem = JSON.readTree(r.body());
            assertEquals("storage_unavailable", problem.path("code").asText());
            assertTrue(problem.path("detail").asText().contains("http://127.0.0.1:" + dead + "/devstoreaccount1/certs-outage/"), problem.toString());
            assertTrue(problem.path("detail").asText().contains("could not be reached"), problem.toString());
            assertFalse(r.body().contains("Eby8vdM02"), "never the account key");
        }
    }

    @Test
    void aLeaseAnotherInstanceHoldsPastTheWaitIs503LockBusyNamingIt() throws Exception {
        java.nio.file.Path folder = java.nio.file.Files.createTempDirectory("certfn-lock-busy");
        String id = new io.certfn.certs.CertificateSpec(java.util.List.of("busy.certfn.test"), io.certfn.crypto.KeyType.EC256,
                java.util.Optional.empty(), java.util.Optional.empty()).storageId();
        String lease = "{\"owner\":\"another-instance\",\"expiresAt\":\"" + java.time.Instant.now().plusSeconds(3600) + "\"}";
        io.certfn.testing.TestStore.store(folder).putIfAbsent("certs/" + id + "/lease", lease.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .orElseThrow();
        try (CertfnProcess certfn = CertfnProcess.start(CertfnProcess.config(config(Map.of("certfn.store.file.path", folder.toString())),
                "certfn.lease.max-wait", "1s"))) {
            HttpResponse<String> r = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"busy.certfn.test\"}");
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Retry-After").isPresent(), r.headers().toString());
            JsonNode problem = JSON.readTree(r.body());
            assertEquals("lock_busy", problem.path("code").asText());
            assertTrue(problem.path("detail").asText().contains("certs/" + id + "/lease"), problem.toString());
        }
    }
}
