package io.certfn.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A packaged certfn behind (simulated) App Service authentication: the principal App Service
 * verified is the caller, matched by the policy's {@code {issuer: azure, oid: ...}} rule — and
 * the same header is worth nothing where certfn was not told to trust it.
 */
class AppServiceAuthIT {

    private static final String OID = "0b7a3c1e-1111-4222-8333-444455556666";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static AcmeStack stack;

    @BeforeAll
    static void start() {
        stack = AcmeStack.start(Map.of());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static Map<String, String> config(boolean trust) throws Exception {
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.store.file.path", Files.createTempDirectory("certfn-appservice").toString());
        config.put("certfn.auth.api-keys", "unused=unused-key-0123456789");
        config.put("certfn.policy", "{\"rules\":[{\"name\":\"func\",\"match\":{\"issuer\":\"azure\",\"oid\":\"" + OID
                + "\"},\"domains\":[\"*.appservice.certfn.test\"]}]}");
        config.put("certfn.platform.azure.app-service-auth", Boolean.toString(trust));
        config.put("certfn.auth.azure.tenant-id", "tenant-1");
        config.put("certfn.auth.azure.audience", "api://certfn");
        config.put("WEBSITE_SITE_NAME", "certfn-func");
        config.put("WEBSITE_AUTH_ENABLED", "True");
        return config;
    }

    private static Map<String, String> principal(String oid) throws Exception {
        return principal(oid, "tenant-1");
    }

    private static Map<String, String> principal(String oid, String tenant) throws Exception {
        String json = JSON.writeValueAsString(Map.of("auth_typ", "aad", "claims", new Object[] {
            Map.of("typ", "http://schemas.microsoft.com/identity/claims/objectidentifier", "val", oid),
            Map.of("typ", "http://schemas.microsoft.com/identity/claims/tenantid", "val", tenant)}));
        return Map.of("X-MS-CLIENT-PRINCIPAL", Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theVerifiedPrincipalGetsWhatThePolicyGrantsIt() throws Exception {
        try (CertfnProcess certfn = CertfnProcess.start(config(true))) {
            HttpResponse<String> granted = certfn.post("/api/certificate", principal(OID), "{\"domain\":\"www.appservice.certfn.test\"}");
            assertEquals(200, granted.statusCode(), granted.body() + certfn.log());
            HttpResponse<String> denied = certfn.post("/api/certificate", principal(OID), "{\"domain\":\"www.certfn.test\"}");
            assertEquals(403, denied.statusCode(), denied.body());
            assertEquals("domain_not_allowed", JSON.readTree(denied.body()).path("code").asText());
            assertTrue(JSON.readTree(denied.body()).path("detail").asText().contains("'www.certfn.test'"), denied.body());
            HttpResponse<String> stranger = certfn.post("/api/certificate", principal("someone-else"),
                    "{\"domain\":\"www.appservice.certfn.test\"}");
            assertEquals(403, stranger.statusCode(), stranger.body());
            assertTrue(JSON.readTree(stranger.body()).path("detail").asText().contains("No policy rule matches the caller"), stranger.body());
        }
    }

    @Test
    void aForgedPrincipalCannotReachAnAppWhoseAuthenticationIsOff() throws Exception {
        // Without App Service authentication the header reaches certfn as the client wrote it: certfn refuses to start.
        Map<String, String> config = config(true);
        config.remove("WEBSITE_AUTH_ENABLED");
        String log = CertfnProcess.startFailing(config);
        assertTrue(log.contains("certfn.platform.azure.app-service-auth=true but App Service authentication is off"), log);
    }

    @Test
    void aPrincipalOfAnotherTenantIsRefused() throws Exception {
        try (CertfnProcess certfn = CertfnProcess.start(config(true))) {
            HttpResponse<String> r = certfn.post("/api/certificate", principal(OID, "tenant-2"), "{\"domain\":\"www.appservice.certfn.test\"}");
            assertEquals(401, r.statusCode(), r.body());
            assertEquals("unauthenticated", JSON.readTree(r.body()).path("code").asText());
            assertTrue(JSON.readTree(r.body()).path("detail").asText().contains("tenant 'tenant-2'"), r.body());
        }
    }

    @Test
    void withoutTheSettingTheHeaderIsIgnored() throws Exception {
        try (CertfnProcess certfn = CertfnProcess.start(config(false))) {
            HttpResponse<String> r = certfn.post("/api/certificate", principal(OID), "{\"domain\":\"www.appservice.certfn.test\"}");
            assertEquals(401, r.statusCode(), r.body());
            assertEquals("unauthenticated", JSON.readTree(r.body()).path("code").asText());
        }
    }
}
