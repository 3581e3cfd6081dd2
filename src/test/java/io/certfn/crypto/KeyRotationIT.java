package io.certfn.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.store.ChecksummedStore;
import io.certfn.store.ObjectStore;
import io.certfn.store.file.FileObjectStore;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotating {@code certfn.store.encryption-key}: with the old key as {@code encryption-key-previous}
 * everything stays readable and is sealed again under the new key as it is read, after which the
 * old key can go. Without the key that sealed an object, certfn says which key id it needs.
 */
class KeyRotationIT {

    private static final String API_KEY = "rotation-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern KEY_ID = Pattern.compile("sealed:v1:([0-9a-f]{16}):");
    private static AcmeStack stack;

    @TempDir
    Path dir;

    @BeforeAll
    static void startStack() {
        stack = AcmeStack.start(Map.of());
    }

    @AfterAll
    static void stopStack() {
        stack.close();
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private Map<String, String> config(String... keys) {
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.store.file.path", dir.toString());
        config.put("certfn.auth.api-keys", "ops=" + API_KEY);
        for (int i = 0; i < keys.length; i += 2) {
            config.put(keys[i], keys[i + 1]);
        }
        return config;
    }

    private HttpResponse<String> obtain(CertfnProcess certfn) throws Exception {
        return certfn.post("/api/certificate", "APIKey " + API_KEY, "{\"domain\":\"rotate.certfn.test\"}");
    }

    /** The key ids of every sealed value in the store. */
    private List<String> keyIds() {
        ObjectStore store = new ChecksummedStore(new FileObjectStore(dir), Clock.systemUTC());
        return store.list("").stream()
                .flatMap(k -> {
                    Matcher m = KEY_ID.matcher(new String(store.get(k).orElseThrow().data(), StandardCharsets.UTF_8));
                    return m.find() ? java.util.stream.Stream.of(m.group(1)) : java.util.stream.Stream.empty();
                })
                .distinct().toList();
    }

    @Test
    void rotationKeepsKeysReadableResealsThemAndALostKeyIsNamedById() throws Exception {
        String oldKey = newKey();
        String newKey = newKey();
        JsonNode issued;
        try (CertfnProcess before = CertfnProcess.start(config("certfn.store.encryption-key", oldKey))) {
            HttpResponse<String> r = obtain(before);
            assertEquals(200, r.statusCode(), r.body());
            issued = JSON.readTree(r.body());
        }
        List<String> oldIds = keyIds();
        assertEquals(1, oldIds.size(), "account key and certificate key sealed with one key: " + oldIds);

        try (CertfnProcess during = CertfnProcess.start(config("certfn.store.encryption-key", newKey,
                "certfn.store.encryption-key-previous", oldKey))) {
            HttpResponse<String> r = obtain(during);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(issued.path("privateKey"), JSON.readTree(r.body()).path("privateKey"));
            assertTrue(JSON.readTree(r.body()).path("cached").asBoolean());
            // A renewal makes the process log in to the CA, which re-seals the account key too.
            HttpResponse<String> renewed = during.post("/api/certificate/renew", "APIKey " + API_KEY,
                    "{\"domain\":\"other.certfn.test\"}");
            assertEquals(200, renewed.statusCode(), renewed.body());
        }
        List<String> newIds = keyIds();
        assertEquals(1, newIds.size(), "everything now sealed with the new key: " + newIds);
        assertNotEquals(oldIds, newIds);

        try (CertfnProcess after = CertfnProcess.start(config("certfn.store.encryption-key", newKey))) {
            HttpResponse<String> r = obtain(after);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(issued.path("serial"), JSON.readTree(r.body()).path("serial"));
        }

        try (CertfnProcess wrong = CertfnProcess.start(config("certfn.store.encryption-key", oldKey))) {
            HttpResponse<String> r = obtain(wrong);
            assertEquals(500, r.statusCode(), r.body());
            JsonNode problem = JSON.readTree(r.body());
            assertEquals("internal", problem.path("code").asText());
            assertTrue(problem.path("detail").asText().contains("encryption key id '" + newIds.get(0) + "'"), r.body());
            assertFalse(problem.path("detail").asText().contains("incident"), "an operator's mistake named, not an incident: " + r.body());
            assertFalse(r.body().contains(newKey) || r.body().contains(oldKey), "never a key in an answer");
        }
    }
}
