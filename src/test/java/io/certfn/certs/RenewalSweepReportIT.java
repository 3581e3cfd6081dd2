package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.TestCerts;
import io.certfn.testing.TestStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/renewals} reports exactly what it found, on a store of its own: every count
 * of the report (renewed, notDue, clientKey, deferred, failed) for a known set of certificates: on
 * the first sweep of a store every stored certificate, afterwards those the due index names.
 */
class RenewalSweepReportIT {

    private static final String KEY = "sweep-report-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theReportCountsEachStoredCertificateExactlyOnce() throws Exception {
        Path store = Files.createTempDirectory("certfn-sweep-report");
        try (AcmeStack stack = AcmeStack.start(Map.of())) {
            Map<String, String> config = config(stack, store);
            config.put("certfn.policy", "{\"rules\":[{\"name\":\"ops\",\"match\":{\"apiKey\":\"ops\"},\"domains\":[\"*\"]}]}");
            try (CertfnProcess certfn = CertfnProcess.start(config)) {
                String due = serial(certfn, "{\"domain\":\"due.report.certfn.test\"}");
                String alsoDue = serial(certfn, "{\"domain\":\"also-due.report.certfn.test\"}");
                String fresh = serial(certfn, "{\"domain\":\"fresh.report.certfn.test\"}");
                var key = KeyPairGenerator.getInstance("EC").generateKeyPair();
                String csr = TestCerts.csrPem(TestCerts.csr(key, "client.report.certfn.test")).replace("\n", "\\n");
                serial(certfn, "{\"domain\":\"client.report.certfn.test\",\"csr\":\"" + csr + "\"}");
                TestStore.makeDue(store, "due.report.certfn.test");
                TestStore.makeDue(store, "also-due.report.certfn.test");
                TestStore.makeDue(store, "client.report.certfn.test");

                JsonNode report = sweep(certfn);
                assertEquals(Map.of("checked", 4, "renewed", 2, "notDue", 1, "clientKey", 1, "failed", 0, "deferred", 0),
                        counts(report), report.toString());
                assertNotEquals(due, TestStore.serial(store, "due.report.certfn.test"));
                assertNotEquals(alsoDue, TestStore.serial(store, "also-due.report.certfn.test"));
                assertEquals(fresh, TestStore.serial(store, "fresh.report.certfn.test"));
            }
            // No time left for renewals: what is due is deferred, not failed and not dropped.
            config.put("certfn.renewal.sweep-budget", "0s");
            try (CertfnProcess certfn = CertfnProcess.start(config)) {
                String due = TestStore.serial(store, "due.report.certfn.test");
                TestStore.makeDue(store, "due.report.certfn.test");
                JsonNode report = sweep(certfn);
                // The due index names what may be due: the due one (deferred), the client's, and also-due's entry from
                // before its renewal (read once, found not due, dropped) — not the fresh one.
                assertEquals(Map.of("checked", 3, "renewed", 0, "notDue", 1, "clientKey", 1, "failed", 0, "deferred", 1),
                        counts(report), report.toString());
                assertEquals(due, TestStore.serial(store, "due.report.certfn.test"), "deferred: left for the next sweep");
                assertTrue(certfn.log().contains("deferred=1 abandoned=0 overdue=1 expiring=0"), "what the alarms read: " + certfn.log());
            }
        }
    }

    /**
     * A name whose orders have failed for longer than its certificate's lifetime (a zone deleted, a
     * name moved elsewhere): the sweep stops renewing it and says so; a request orders it again.
     */
    @Test
    void aCertificateFailingForLongerThanItsLifetimeIsLeftByTheSweepAndOrderedAgainWhenAskedFor() throws Exception {
        Path store = Files.createTempDirectory("certfn-sweep-abandoned");
        String name = "gone.report.certfn.test";
        try (AcmeStack stack = AcmeStack.start(Map.of())) {
            Map<String, String> config = config(stack, store);
            config.put("certfn.store.cache-ttl", "0s");
            try (CertfnProcess certfn = CertfnProcess.start(config)) {
                String before = serial(certfn, "{\"domain\":\"" + name + "\"}");
                TestStore.makeDue(store, name);
                // Failing for six years, longer than Pebble's 5-year certificate; the last backoff has ended.
                java.time.Instant now = java.time.Instant.now();
                TestStore.store(store).putIfAbsent(CertificateRepository.failureKey(java.util.List.of(name)), JSON.writeValueAsBytes(Map.of(
                        "count", 40, "code", "dns_error", "detail", "the zone is gone", "failedAt", now.minusSeconds(3600).toString(),
                        "notBefore", now.minusSeconds(60).toString(), "since", now.minus(java.time.Duration.ofDays(6 * 365)).toString())));

                // Its last day of a 5-year life: in the last tenth, which the deploy templates' expiry alarm counts.
                var objects = TestStore.store(store);
                String key = TestStore.certificateKey(objects, name);
                var stored = objects.get(key).orElseThrow();
                var json = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(stored.data());
                json.put("notBefore", now.minus(java.time.Duration.ofDays(5 * 365)).toString()).put("notAfter", now.plusSeconds(86400).toString());
                objects.putIfVersion(key, JSON.writeValueAsBytes(json), stored.version()).orElseThrow();
                JsonNode report = sweep(certfn);
                assertTrue(certfn.log().contains("failed=0 deferred=0 abandoned=1 overdue=1 expiring=1"), "what the alarms read: " + certfn.log());
                assertEquals(Map.of("checked", 1, "renewed", 0, "notDue", 0, "clientKey", 0, "failed", 0, "deferred", 0),
                        counts(report), report.toString());
                assertEquals(1, report.path("abandoned").asInt(), report.toString());
                assertEquals(name, report.path("abandonedCertificates").get(0).path("domains").get(0).asText(), report.toString());
                assertEquals("dns_error", report.path("abandonedCertificates").get(0).path("lastCode").asText());
                assertEquals(before, TestStore.serial(store, name), "not ordered by the sweep");
                org.junit.jupiter.api.Assertions.assertTrue(certfn.get("/q/metrics").body().contains("certfn_certificates_abandoned 1.0"));

                assertNotEquals(before, serial(certfn, "{\"domain\":\"" + name + "\"}"), "asked for, it is ordered again");
                TestStore.makeDue(store, name);
                JsonNode after = sweep(certfn);
                assertEquals(0, after.path("abandoned").asInt(), "its success ended the failures: " + after);
                assertEquals(1, after.path("renewed").asInt(), after.toString());
            }
        }
    }

    /** certfn on {@code stack} with the store folder {@code store}, the ops key, and sweeps as often as asked. */
    private static Map<String, String> config(AcmeStack stack, Path store) {
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.store.file.path", store.toString());
        config.put("certfn.auth.api-keys", "ops=" + KEY);
        config.put("certfn.renewal.sweep-interval", "0s");
        return config;
    }

    private static String serial(CertfnProcess certfn, String body) throws Exception {
        HttpResponse<String> r = certfn.post("/api/certificate", "APIKey " + KEY, body);
        assertEquals(200, r.statusCode(), r.body() + certfn.log());
        return JSON.readTree(r.body()).path("serial").asText();
    }

    private static JsonNode sweep(CertfnProcess certfn) throws Exception {
        return certfn.sweep("APIKey " + KEY);
    }

    private static Map<String, Integer> counts(JsonNode report) {
        Map<String, Integer> counts = new HashMap<>();
        for (String field : new String[] {"checked", "renewed", "notDue", "clientKey", "failed", "deferred"}) {
            counts.put(field, report.path(field).asInt(-1));
        }
        return counts;
    }
}
