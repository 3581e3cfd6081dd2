package io.certfn.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Closing;
import io.certfn.testing.TestStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/certificate/revoke} against Pebble, whose management API tells whether the CA
 * revoked the certificate: every caller of a name shares its key, so a leaked key must be
 * revocable and replaceable through certfn.
 */
class RevocationIT {

    private static final String OPS = "revoke-ops-key-0123456789";
    private static final String OTHER = "revoke-other-key-0123456789";
    private static final String SCHEDULER = "revoke-scheduler-key-0123456789";
    private static final String COTENANT = "revoke-cotenant-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AcmeStack stack;
    private static CertfnProcess certfn;
    private static CertfnProcess second;
    private static Map<String, String> config;
    private static Path store;

    @BeforeAll
    static void start() throws Exception {
        stack = AcmeStack.start(Map.of());
        store = Files.createTempDirectory("certfn-revoke");
        config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.store.file.path", store.toString());
        config.put("certfn.auth.api-keys", "ops=" + OPS + ",other=" + OTHER + ",scheduler=" + SCHEDULER + ",cotenant=" + COTENANT);
        config.put("certfn.store.cache-ttl", "1s");
        config.put("certfn.policy", "{\"rules\":[{\"name\":\"ops\",\"match\":{\"apiKey\":\"ops\"},\"domains\":[\"*.certfn.test\"],"
                + "\"actions\":[\"certificate\",\"renew\",\"revoke\"]},"
                + "{\"name\":\"cotenant\",\"match\":{\"apiKey\":\"cotenant\"},\"domains\":[\"*.certfn.test\"]},"
                + "{\"name\":\"other\",\"match\":{\"apiKey\":\"other\"},\"domains\":[\"other.certfn.test\"]},"
                + "{\"name\":\"scheduler\",\"match\":{\"apiKey\":\"scheduler\"},\"domains\":[\"*.certfn.test\"],\"actions\":[\"renew\"]}]}");
        certfn = CertfnProcess.start(config);
        second = CertfnProcess.start(config);
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(certfn, second, stack);
    }

    private static HttpResponse<String> post(CertfnProcess process, String path, String key, String body) throws Exception {
        return process.post(path, "APIKey " + key, body);
    }

    @Test
    void aRevokedCertificateIsRevokedAtTheCaNeverServedAgainAndReplacedWithANewKey() throws Exception {
        String body = "{\"domain\":\"leaked.certfn.test\"}";
        JsonNode first = JSON.readTree(post(certfn, "/api/certificate", OPS, body).body());
        // The other instance has it in memory too: the revocation must reach it through the store.
        assertEquals(first.path("serial").asText(), JSON.readTree(post(second, "/api/certificate", OPS, body).body()).path("serial").asText());

        HttpResponse<String> revoked = post(certfn, "/api/certificate/revoke", OPS, "{\"domain\":\"leaked.certfn.test\",\"reason\":\"keyCompromise\"}");
        assertEquals(200, revoked.statusCode(), revoked.body() + certfn.log());
        JsonNode answer = JSON.readTree(revoked.body());
        assertEquals("revoked", answer.path("status").asText());
        assertEquals(first.path("serial").asText(), answer.path("serial").asText());
        assertEquals("keyCompromise", answer.path("reason").asText());
        JsonNode atCa = stack.certificateStatus(first.path("serial").asText());
        assertEquals("Revoked", atCa.path("Status").asText(), atCa.toString());
        assertTrue(certfn.log().contains("event=revoked caller=apiKey:ops names=leaked.certfn.test serial=" + first.path("serial").asText()
                + " reason=keyCompromise"), certfn.log());

        HttpResponse<String> again = post(certfn, "/api/certificate/revoke", OPS, "{\"domain\":\"leaked.certfn.test\",\"reason\":\"keyCompromise\"}");
        assertEquals(200, again.statusCode(), "revoking again answers the stored revocation: " + again.body());

        Thread.sleep(1_100); // the other instance's memory (certfn.store.cache-ttl, 1 s here) has expired
        for (CertfnProcess instance : new CertfnProcess[] {certfn, second}) {
            HttpResponse<String> next = post(instance, "/api/certificate", OPS, body);
            assertEquals(200, next.statusCode(), next.body() + instance.log());
            JsonNode renewed = JSON.readTree(next.body());
            assertNotEquals(first.path("serial").asText(), renewed.path("serial").asText(), "never the revoked one");
            assertNotEquals(first.path("privateKey").asText(), renewed.path("privateKey").asText(), "a new key");
        }
    }

    @Test
    void onlyACallerGrantedTheNamesMayRevokeAndOnlyWhatIsStored() throws Exception {
        assertEquals(200, post(certfn, "/api/certificate", OPS, "{\"domain\":\"kept.certfn.test\"}").statusCode());
        HttpResponse<String> scheduler = post(certfn, "/api/certificate/revoke", SCHEDULER, "{\"domain\":\"kept.certfn.test\"}");
        assertEquals(403, scheduler.statusCode(), "a renew-only rule may not revoke: " + scheduler.body());
        assertEquals("domain_not_allowed", JSON.readTree(scheduler.body()).path("code").asText());
        HttpResponse<String> stranger = post(certfn, "/api/certificate/revoke", OTHER, "{\"domain\":\"kept.certfn.test\"}");
        assertEquals(403, stranger.statusCode(), stranger.body());

        HttpResponse<String> badReason = post(certfn, "/api/certificate/revoke", OPS, "{\"domain\":\"kept.certfn.test\",\"reason\":\"because\"}");
        assertEquals(400, badReason.statusCode(), badReason.body());
        assertTrue(JSON.readTree(badReason.body()).path("detail").asText().contains(
                "unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation"), badReason.body());

        HttpResponse<String> none = post(certfn, "/api/certificate/revoke", OPS, "{\"domain\":\"never-issued.certfn.test\"}");
        assertEquals(404, none.statusCode(), none.body());
        assertEquals("not_found", JSON.readTree(none.body()).path("code").asText());
        assertTrue(JSON.readTree(none.body()).path("detail").asText().contains("No certificate is stored for never-issued.certfn.test"),
                none.body());

        HttpResponse<String> superseded = post(certfn, "/api/certificate/revoke", OPS, "{\"domain\":\"kept.certfn.test\",\"reason\":\"superseded\"}");
        assertEquals(200, superseded.statusCode(), superseded.body() + certfn.log());
        assertEquals("Revoked", stack.certificateStatus(JSON.readTree(superseded.body()).path("serial").asText()).path("Status").asText());
    }

    @Test
    void aCoGranteeWithoutTheRevokeActionMayNotRevokeWhatOthersUse() throws Exception {
        JsonNode shared = JSON.readTree(post(certfn, "/api/certificate", OPS, "{\"domain\":\"shared.certfn.test\"}").body());
        // The wildcard co-tenant may have the certificate (a default rule: certificate + renew) ...
        assertEquals(shared.path("serial").asText(),
                JSON.readTree(post(certfn, "/api/certificate", COTENANT, "{\"domain\":\"shared.certfn.test\"}").body()).path("serial").asText());
        // ... but not revoke it: revoke is never implied by certificate.
        HttpResponse<String> refused = post(certfn, "/api/certificate/revoke", COTENANT, "{\"domain\":\"shared.certfn.test\"}");
        assertEquals(403, refused.statusCode(), refused.body());
        JsonNode problem = JSON.readTree(refused.body());
        assertEquals("domain_not_allowed", problem.path("code").asText());
        assertTrue(problem.path("detail").asText().contains("do not allow the action 'revoke'"), refused.body());
        assertEquals("Valid", stack.certificateStatus(shared.path("serial").asText()).path("Status").asText());
    }

    @Test
    void aNameSetIsRevokedOncePerCooldownOnAnyInstanceAndRevokeNeverWaitsForALease() throws Exception {
        String body = "{\"domain\":\"cooled.certfn.test\"}";
        assertEquals(200, post(certfn, "/api/certificate", OPS, body).statusCode());
        assertEquals(200, post(certfn, "/api/certificate/revoke", OPS, body).statusCode());
        JsonNode reissued = JSON.readTree(post(second, "/api/certificate", OPS, body).body());
        assertEquals(200, post(second, "/api/certificate", OPS, body).statusCode());
        // The other instance refuses the next revocation: the cooldown is in the store.
        HttpResponse<String> again = post(second, "/api/certificate/revoke", OPS, body);
        assertEquals(429, again.statusCode(), again.body());
        JsonNode problem = JSON.readTree(again.body());
        assertEquals("too_many_requests", problem.path("code").asText());
        assertTrue(problem.path("detail").asText().contains("certfn.limits.revocation-cooldown"), again.body());
        long retryAfter = Long.parseLong(again.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 47 * 3600 && retryAfter <= 48 * 3600, "until the cooldown ends: " + retryAfter);
        assertEquals("Valid", stack.certificateStatus(reissued.path("serial").asText()).path("Status").asText());

        // A lease held (an order running elsewhere): revoke answers at once, 503 lock_busy, instead of waiting for it.
        String id = TestStore.certificateKey(TestStore.store(store), "cooled.certfn.test");
        String leaseKey = id.substring(0, id.lastIndexOf('/')) + "/lease";
        try (io.certfn.store.Lease lease = new io.certfn.store.LeaseManager(TestStore.store(store), java.time.Duration.ofMinutes(10),
                java.time.Clock.systemUTC()).tryAcquire(leaseKey).orElseThrow()) {
            long started = System.nanoTime();
            HttpResponse<String> busy = post(certfn, "/api/certificate/revoke", OPS, body);
            assertEquals(503, busy.statusCode(), busy.body());
            assertEquals("lock_busy", JSON.readTree(busy.body()).path("code").asText());
            assertTrue(busy.headers().firstValue("Retry-After").isPresent(), busy.headers().toString());
            assertTrue(java.time.Duration.ofNanos(System.nanoTime() - started).toSeconds() < 30, "failed fast, not after the lease wait");
        }
    }

    /** certfn.renewal.reuse-key: renewals keep the key (SPKI pinning, DANE 3 1 1), but never one of a revoked certificate. */
    @Test
    void withReuseKeyARenewalKeepsTheKeyUntilItIsRevokedAsCompromised() throws Exception {
        Path reusingStore = Files.createTempDirectory("certfn-reuse-key");
        Map<String, String> reusing = new HashMap<>(config);
        reusing.put("certfn.store.file.path", reusingStore.toString());
        reusing.put("certfn.store.cache-ttl", "0s");
        reusing.put("certfn.renewal.reuse-key", "true");
        String body = "{\"domain\":\"pinned.certfn.test\"}";
        try (CertfnProcess pinned = CertfnProcess.start(reusing)) {
            JsonNode first = JSON.readTree(post(pinned, "/api/certificate", OPS, body).body());
            TestStore.makeDue(reusingStore, "pinned.certfn.test");
            JsonNode renewed = JSON.readTree(post(pinned, "/api/certificate", OPS, body).body());
            assertNotEquals(first.path("serial").asText(), renewed.path("serial").asText(), "renewed");
            assertEquals(first.path("privateKey").asText(), renewed.path("privateKey").asText(), "with the same key");

            // No reason given (unspecified): a revoked certificate's key is never reused, whatever the reason.
            assertEquals(200, post(pinned, "/api/certificate/revoke", OPS, "{\"domain\":\"pinned.certfn.test\"}").statusCode());
            JsonNode replaced = JSON.readTree(post(pinned, "/api/certificate", OPS, body).body());
            assertNotEquals(renewed.path("serial").asText(), replaced.path("serial").asText());
            assertNotEquals(renewed.path("privateKey").asText(), replaced.path("privateKey").asText(), "a revoked certificate's key is never reused");
        }
        // Without the setting (the default), every renewal has a new key.
        String other = "{\"domain\":\"rotated.certfn.test\"}";
        JsonNode before = JSON.readTree(post(certfn, "/api/certificate", OPS, other).body());
        TestStore.makeDue(Path.of(config.get("certfn.store.file.path")), "rotated.certfn.test");
        Thread.sleep(1_100); // certfn.store.cache-ttl (1 s here): the due certificate is read again
        JsonNode after = JSON.readTree(post(certfn, "/api/certificate", OPS, other).body());
        assertNotEquals(before.path("serial").asText(), after.path("serial").asText());
        assertNotEquals(before.path("privateKey").asText(), after.path("privateKey").asText());
    }
}
