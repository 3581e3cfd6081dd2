package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Closing;
import io.certfn.testing.TestCa;
import io.certfn.testing.TestCerts;
import io.certfn.testing.TestStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Switching CA (staging to production): certificates the old directory issued are never served
 * again, even far from due; the new CA's certificate is ordered at once, without {@code replaces}
 * (the new CA does not know the old certificate), and verifies against the new CA's root.
 */
class CaSwitchIT {

    private static final String KEY = "ca-switch-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void afterASwitchOfDirectoryTheOldCasCertificateIsReplacedAtOnce() throws Exception {
        String name = "switch.certfn.test";
        String body = "{\"domain\":\"" + name + "\"}";
        Path store = Files.createTempDirectory("certfn-ca-switch");
        AcmeStack staging = AcmeStack.start(Map.of());
        AcmeStack production = null;
        TestCa productionCa = null;
        try {
            // The second CA validates against the first stack's Knot, where certfn writes its records.
            production = AcmeStack.start(Map.of("STACK_PEBBLE_DNS", staging.get("DNS_SERVER")));
            productionCa = TestCa.start(production);
            productionCa.ari(Instant.now().plus(Duration.ofDays(60)), Instant.now().plus(Duration.ofDays(61)), null);
            Map<String, String> common = Map.of("certfn.store.file.path", store.toString(), "certfn.auth.api-keys", "ops=" + KEY);

            JsonNode first;
            try (CertfnProcess certfn = CertfnProcess.start(CertfnProcess.config(staging.certfnConfig(), flat(common)))) {
                HttpResponse<String> r = certfn.post("/api/certificate", "APIKey " + KEY, body);
                assertEquals(200, r.statusCode(), r.body() + certfn.log());
                first = JSON.readTree(r.body());
                TestCerts.verifyChain(first.path("certificate").asText(), staging.root());
            }

            Map<String, String> switched = new HashMap<>(staging.certfnConfig());
            switched.put("certfn.acme.directory", productionCa.directory());
            switched.put("certfn.acme.trust-store", productionCa.certfnConfig().get("certfn.acme.trust-store"));
            try (CertfnProcess certfn = CertfnProcess.start(CertfnProcess.config(switched, flat(common)))) {
                HttpResponse<String> r = certfn.post("/api/certificate", "APIKey " + KEY, body);
                assertEquals(200, r.statusCode(), r.body() + certfn.log());
                JsonNode second = JSON.readTree(r.body());
                assertFalse(second.path("cached").asBoolean(), "the staging certificate is not served: " + r.body());
                assertNotEquals(first.path("serial"), second.path("serial"));
                TestCerts.verifyChain(second.path("certificate").asText(), production.root());
                AcmeStack stagingCa = staging;
                assertThrows(Throwable.class, () -> TestCerts.verifyChain(second.path("certificate").asText(), stagingCa.root()));
                JsonNode orders = productionCa.orders();
                assertEquals(1, orders.size(), orders.toString());
                assertFalse(orders.get(0).has("replaces"), "the new CA never saw the old certificate: " + orders);
                var objects = TestStore.store(store);
                assertEquals(productionCa.directory(),
                        JSON.readTree(objects.get(TestStore.certificateKey(objects, name)).orElseThrow().data()).path("directory").asText());

                HttpResponse<String> again = certfn.post("/api/certificate", "APIKey " + KEY, body);
                assertEquals(second.path("serial"), JSON.readTree(again.body()).path("serial"), "the new one is served from now on");
            }
        } finally {
            Closing.all(productionCa, production, staging);
        }
    }

    private static String[] flat(Map<String, String> pairs) {
        return pairs.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray(String[]::new);
    }
}
