package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certfn.store.ObjectStore;
import io.certfn.store.Versioned;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.TestStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A renew-only caller granted one name runs the sweep over a store where another tenant's
 * certificate is due too: the sweep checks the grant on the names before it opens a key or asks
 * the CA, so the other certificate's key is never decrypted on that caller's behalf. Its key here
 * is sealed with a data key this instance does not hold: opening it would fail and be logged.
 */
class SweepGrantIT {

    private static final String OPS = "sweep-grant-ops-0123456789";
    private static final String NARROW = "sweep-grant-narrow-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aNarrowCallersSweepNeverOpensAnotherTenantsKey() throws Exception {
        Path store = Files.createTempDirectory("certfn-sweep-grant");
        try (AcmeStack stack = AcmeStack.start(Map.of())) {
            Map<String, String> config = new HashMap<>(stack.certfnConfig());
            config.put("certfn.store.file.path", store.toString());
            config.put("certfn.store.encryption-key", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
            config.put("certfn.auth.api-keys", "ops=" + OPS + ",narrow=" + NARROW);
            config.put("certfn.policy", "{\"rules\":[{\"name\":\"ops\",\"match\":{\"apiKey\":\"ops\"},\"domains\":[\"*\"]},"
                    + "{\"name\":\"narrow\",\"match\":{\"apiKey\":\"narrow\"},\"domains\":[\"mine.grant.certfn.test\"],\"actions\":[\"renew\"]}]}");
            config.put("certfn.renewal.sweep-interval", "0s");
            config.put("certfn.store.cache-ttl", "0s");
            try (CertfnProcess certfn = CertfnProcess.start(config)) {
                String mine = serial(certfn, "mine.grant.certfn.test");
                serial(certfn, "theirs.grant.certfn.test");
                TestStore.makeDue(store, "mine.grant.certfn.test");
                TestStore.makeDue(store, "theirs.grant.certfn.test");
                sealWithAnotherKey(TestStore.store(store), "theirs.grant.certfn.test");

                HttpResponse<String> r = certfn.post("/api/renewals", "APIKey " + NARROW, "");
                assertEquals(200, r.statusCode(), r.body() + certfn.log());
                JsonNode report = JSON.readTree(r.body());
                assertEquals(1, report.path("checked").asInt(), report.toString());
                assertEquals(1, report.path("renewed").asInt(), report.toString());
                assertNotEquals(mine, TestStore.serial(store, "mine.grant.certfn.test"));
                assertTrue(certfn.log().contains("event=sweep"), certfn.log());
                assertFalse(certfn.log().contains("theirs.grant.certfn.test") && certfn.log().contains("cannot be read"),
                        "the other tenant's key was not opened:\n" + certfn.log());
            }
        }
    }

    private static String serial(CertfnProcess certfn, String name) throws Exception {
        HttpResponse<String> r = certfn.post("/api/certificate", "APIKey " + OPS, "{\"domain\":\"" + name + "\"}");
        assertEquals(200, r.statusCode(), r.body() + certfn.log());
        return JSON.readTree(r.body()).path("serial").asText();
    }

    /** The stored key as sealed by a data key this instance does not hold (an id it does not know). */
    private static void sealWithAnotherKey(ObjectStore store, String name) throws Exception {
        String key = TestStore.certificateKey(store, name);
        Versioned current = store.get(key).orElseThrow();
        ObjectNode json = (ObjectNode) JSON.readTree(current.data());
        assertTrue(json.path("privateKey").asText().startsWith("sealed:v1:"), json.path("privateKey").asText());
        json.put("privateKey", "sealed:v1:0000000000000000:AAAA");
        assertTrue(store.putIfVersion(key, JSON.writeValueAsBytes(json), current.version()).isPresent());
    }
}
