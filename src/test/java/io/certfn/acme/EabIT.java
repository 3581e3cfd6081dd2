package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Closing;
import io.certfn.testing.TestCa;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * External account binding as ZeroSSL and Google Trust Services require it, against Pebble's own
 * EAB mode ({@code externalAccountBindingRequired} with one MAC key): the key as the CA shows it
 * (base64url, or plain base64 as some consoles print it) works, HS256 by default; a CA that
 * requires EAB without it configured is a 422 naming the settings, never a key value. Through
 * {@link TestCa}, keys work once, as Google Trust Services' do.
 */
class EabIT {

    private static final String KEY = "eab-ops-key-0123456789";
    private static final String KID = "kid-certfn-1";
    /** A second key at the CA: the one an operator makes when the first has bound its account. */
    private static final String KID_2 = "kid-certfn-2";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AcmeStack stack;
    private static byte[] macKey;
    private static final byte[] MAC_KEY_2 = new byte[32];

    @BeforeAll
    static void start() {
        // A key whose base64 has '+' or '/': its plain-base64 spelling then differs from base64url.
        SecureRandom random = new SecureRandom();
        do {
            macKey = new byte[32];
            random.nextBytes(macKey);
        } while (!Base64.getEncoder().encodeToString(macKey).matches(".*[+/].*"));
        random.nextBytes(MAC_KEY_2);
        stack = AcmeStack.start(Map.of("STACK_EAB", KID + "=" + Base64.getUrlEncoder().withoutPadding().encodeToString(macKey)
                + "," + KID_2 + "=" + Base64.getUrlEncoder().withoutPadding().encodeToString(MAC_KEY_2)));
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(stack);
    }

    private static HttpResponse<String> issue(String name, String... eab) throws Exception {
        Map<String, String> config = CertfnProcess.config(stack.certfnConfig(), "certfn.store.file.path",
                Files.createTempDirectory("certfn-eab").toString(), "certfn.auth.api-keys", "ops=" + KEY);
        try (CertfnProcess certfn = CertfnProcess.start(CertfnProcess.config(config, eab))) {
            return certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + name + "\"}");
        }
    }

    @Test
    void theKeyAsTheCaShowsItBindsTheAccount() throws Exception {
        HttpResponse<String> url = issue("eab-url.certfn.test", "certfn.acme.eab.kid", KID,
                "certfn.acme.eab.hmac-key", Base64.getUrlEncoder().withoutPadding().encodeToString(macKey));
        assertEquals(200, url.statusCode(), url.body());
        HttpResponse<String> plain = issue("eab-plain.certfn.test", "certfn.acme.eab.kid", KID,
                "certfn.acme.eab.hmac-key", Base64.getEncoder().encodeToString(macKey));
        assertEquals(200, plain.statusCode(), "plain base64 with padding, as some consoles print it: " + plain.body());
    }

    @Test
    void aCaThatRequiresEabWithoutItConfiguredIs422NamingTheSettings() throws Exception {
        HttpResponse<String> r = issue("eab-missing.certfn.test");
        assertEquals(422, r.statusCode(), r.body());
        JsonNode problem = JSON.readTree(r.body());
        assertEquals("acme_rejected", problem.path("code").asText());
        assertEquals("externalAccountRequired", problem.path("reason").asText());
        assertTrue(problem.path("detail").asText().contains("set certfn.acme.eab.kid and certfn.acme.eab.hmac-key"), r.body());
    }

    @Test
    void aWrongMacKeyIsTheCasRefusalWithoutTheKey() throws Exception {
        byte[] wrong = new byte[32];
        new SecureRandom().nextBytes(wrong);
        String wrongKey = Base64.getUrlEncoder().withoutPadding().encodeToString(wrong);
        HttpResponse<String> r = issue("eab-wrong.certfn.test", "certfn.acme.eab.kid", KID, "certfn.acme.eab.hmac-key", wrongKey);
        assertTrue(r.statusCode() == 422 || r.statusCode() == 502, r.body());
        assertTrue(JSON.readTree(r.body()).path("detail").asText().contains("registering the ACME account"), r.body());
        assertFalse(r.body().contains(wrongKey), "never the key");
    }

    /**
     * Google Trust Services: an EAB key binds one account. When the CA forgets the account, the new
     * one cannot bind with the used key: one 422 naming the settings, no newAccount with that kid
     * again (from this instance or another sharing the store), and the operator's new key works.
     */
    @Test
    void aForgottenAccountAsksOnceForANewEabKeyAndTheNewKeyRegistersAgain() throws Exception {
        try (TestCa ca = TestCa.start(stack)) {
            ca.eabSingleUse();
            String macKeyText = Base64.getUrlEncoder().withoutPadding().encodeToString(macKey);
            Map<String, String> config = CertfnProcess.config(ca.certfnConfig(), "certfn.store.file.path",
                    Files.createTempDirectory("certfn-eab-gts").toString(), "certfn.auth.api-keys", "ops=" + KEY);
            Map<String, String> firstKey = CertfnProcess.config(config, "certfn.acme.eab.kid", KID, "certfn.acme.eab.hmac-key", macKeyText);
            try (CertfnProcess certfn = CertfnProcess.start(firstKey)) {
                assertEquals(200, post(certfn, "eab-gts-1.certfn.test").statusCode(), certfn.log());
                int registered = ca.newAccountRequests();
                ca.fail("newOrder", 400, "accountDoesNotExist", "No account exists with the provided key", null, 1);

                HttpResponse<String> refused = post(certfn, "eab-gts-2.certfn.test");
                assertEquals(422, refused.statusCode(), refused.body() + certfn.log());
                JsonNode problem = JSON.readTree(refused.body());
                assertEquals("acme_rejected", problem.path("code").asText());
                String detail = problem.path("detail").asText();
                assertTrue(detail.contains("certfn.acme.eab.kid '" + KID + "'") && detail.contains("Unknown external account binding (EAB) key")
                        && detail.contains("set certfn.acme.eab.kid and certfn.acme.eab.hmac-key"), detail);
                assertFalse(refused.body().contains(macKeyText) || certfn.log().contains(macKeyText), "never the MAC key");
                assertEquals(registered + 1, ca.newAccountRequests(), "the new account asked once with the used key");

                assertEquals(422, post(certfn, "eab-gts-2.certfn.test").statusCode());
                assertEquals(registered + 1, ca.newAccountRequests(), "not again: the refusal is kept");
                try (CertfnProcess other = CertfnProcess.start(firstKey)) {
                    assertEquals(422, post(other, "eab-gts-3.certfn.test").statusCode(), other.log());
                }
                assertEquals(registered + 1, ca.newAccountRequests(), "nor by another instance sharing the store");
            }
            Map<String, String> secondKey = CertfnProcess.config(config, "certfn.acme.eab.kid", KID_2,
                    "certfn.acme.eab.hmac-key", Base64.getUrlEncoder().withoutPadding().encodeToString(MAC_KEY_2));
            try (CertfnProcess certfn = CertfnProcess.start(secondKey)) {
                HttpResponse<String> issued = post(certfn, "eab-gts-2.certfn.test");
                assertEquals(200, issued.statusCode(), issued.body() + certfn.log());
            }
        }
    }

    private static HttpResponse<String> post(CertfnProcess certfn, String name) throws Exception {
        return certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + name + "\"}");
    }
}
