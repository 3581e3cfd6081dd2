package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Closing;
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
 * requires EAB without it configured is a 422 naming the settings, never a key value.
 */
class EabIT {

    private static final String KEY = "eab-ops-key-0123456789";
    private static final String KID = "kid-certfn-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AcmeStack stack;
    private static byte[] macKey;

    @BeforeAll
    static void start() {
        // A key whose base64 has '+' or '/': its plain-base64 spelling then differs from base64url.
        SecureRandom random = new SecureRandom();
        do {
            macKey = new byte[32];
            random.nextBytes(macKey);
        } while (!Base64.getEncoder().encodeToString(macKey).matches(".*[+/].*"));
        stack = AcmeStack.start(Map.of("STACK_EAB", KID + "=" + Base64.getUrlEncoder().withoutPadding().encodeToString(macKey)));
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
}
