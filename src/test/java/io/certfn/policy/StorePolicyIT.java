package io.certfn.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.store.file.FileObjectStore;
import io.certfn.testing.Await;
import io.certfn.testing.CertfnProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A policy kept in the store, as the AWS template deploys it (certfn.policy=store:policy.json), tried
 * by someone who may write objects to the bucket but holds no data key: their policy is refused at
 * start-up and on reload, the operator's MACed change (made with client/certfn-policy-mac, as the
 * README says) applies without a restart. Observed through revoke of a name never issued: granted
 * answers 404 not_found, refused answers 403, and neither reaches a CA.
 */
class StorePolicyIT {

    private static final String DATA_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String OPS = "store-policy-ops-0123456789";
    private static final String INTRUDER = "store-policy-intruder-0123456789";

    @TempDir
    Path store;

    private Map<String, String> config(String... extra) {
        return CertfnProcess.config(CertfnProcess.config(Map.of(),
                "certfn.acme.directory", "https://127.0.0.1:9/dir",
                "certfn.dns.rfc2136.server", "127.0.0.1:9",
                "certfn.store.file.path", store.toString(),
                "certfn.store.encryption-key", DATA_KEY,
                "certfn.auth.api-keys", "ops=" + OPS + ",intruder=" + INTRUDER,
                "certfn.policy", "store:policy.json",
                "certfn.policy.reload-interval", "1s"), extra);
    }

    private static String grant(String key) {
        return "{\"rules\":[{\"name\":\"" + key + "\",\"match\":{\"apiKey\":\"" + key + "\"},\"domains\":[\"*.certfn.test\"],"
                + "\"actions\":[\"certificate\",\"revoke\"]}]}";
    }

    /**
     * Uploads the policy (as `aws s3 cp` would: raw bytes, here through the folder backend, which frames
     * its files) and, when {@code withMac}, the MAC the operator's tool made of it (the data key from the
     * environment).
     */
    private void upload(String policy, boolean withMac) throws Exception {
        Path file = Files.createTempDirectory("policy-upload").resolve("policy.json");
        Files.writeString(file, policy);
        put("policy.json", Files.readAllBytes(file));
        if (withMac) {
            ProcessBuilder mac = new ProcessBuilder("client/certfn-policy-mac", file.toString()).redirectErrorStream(true);
            mac.environment().put("CERTFN_STORE_ENCRYPTION_KEY", DATA_KEY);
            Process p = mac.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
            assertFalse(out.contains(DATA_KEY), "the tool never prints the key");
            put("policy.json.hmac", Files.readAllBytes(Path.of(file + ".hmac")));
        }
    }

    /** Writes {@code key} in the store as a bucket writer would, replacing what is there. */
    private void put(String key, byte[] data) {
        FileObjectStore folder = new FileObjectStore(store);
        java.util.Optional<io.certfn.store.Versioned> current = folder.get(key);
        if (current.isPresent()) {
            folder.putIfVersion(key, data, current.get().version()).orElseThrow();
        } else {
            folder.putIfAbsent(key, data).orElseThrow();
        }
    }

    private static int revoke(CertfnProcess certfn, String key) throws Exception {
        HttpResponse<String> r = certfn.post("/api/certificate/revoke", "APIKey " + key, "{\"domain\":\"never.certfn.test\"}");
        return r.statusCode();
    }

    @Test
    void aPolicyWrittenWithoutTheDataKeyIsRefusedAndTheOperatorsChangeAppliesWithoutARestart() throws Exception {
        upload(grant("ops"), true);
        try (CertfnProcess certfn = CertfnProcess.start(config())) {
            assertEquals(404, revoke(certfn, OPS), certfn.log());
            assertEquals(403, revoke(certfn, INTRUDER));

            // The intruder rewrites the policy in the bucket; the MAC no longer matches.
            upload(grant("intruder"), false);
            Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(200)).until("the forged policy refused", () -> {
                assertEquals(403, revoke(certfn, INTRUDER), "never granted by an unauthenticated policy");
                return certfn.log().contains("could not be reloaded");
            }, certfn::log);
            assertTrue(certfn.log().contains("does not match 'policy.json' under the data key"), certfn.log());
            assertEquals(403, revoke(certfn, INTRUDER));
            assertEquals(404, revoke(certfn, OPS), "the rules in force stay");

            // The operator's change, with its MAC: applied within the reload interval, no restart.
            upload(grant("intruder"), true);
            Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(200)).until("the operator's policy applied",
                    () -> revoke(certfn, INTRUDER) == 404, certfn::log);
            assertTrue(certfn.log().contains("Policy reloaded from store:policy.json: 1 rule(s)"), certfn.log());
            assertEquals(403, revoke(certfn, OPS), "the new rules replaced the old");
        }
    }

    @Test
    void aStorePolicyWithoutItsMacOrWithoutADataKeyStopsStartUpSayingWhy() throws Exception {
        upload(grant("intruder"), false);
        String noMac = CertfnProcess.startFailing(config());
        assertTrue(noMac.contains("no 'policy.json.hmac'") && noMac.contains("client/certfn-policy-mac"), noMac);
        assertFalse(noMac.contains(DATA_KEY));

        put("policy.json.hmac", "00".repeat(32).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String forged = CertfnProcess.startFailing(config());
        assertTrue(forged.contains("does not match 'policy.json' under the data key"), forged);

        Map<String, String> noKey = config();
        noKey.remove("certfn.store.encryption-key");
        String unkeyed = CertfnProcess.startFailing(noKey);
        assertTrue(unkeyed.contains("certfn.policy=store:policy.json needs certfn.store.encryption-key"), unkeyed);
    }
}
