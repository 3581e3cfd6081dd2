package io.certfn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.CertfnProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A misconfigured certfn refuses to start and names the key; an unreachable CA is a 502 naming it. */
class StartupIT {

    private static final String KEY = "startup-key-0123456789";

    @TempDir
    Path store;

    private Map<String, String> valid() {
        return CertfnProcess.config(Map.of(),
                "certfn.acme.directory", "https://127.0.0.1:9/dir",
                "certfn.dns.rfc2136.server", "127.0.0.1:9",
                "certfn.store.file.path", store.toString(),
                "certfn.auth.api-keys", "t=" + KEY);
    }

    private void assertStartupFailsNaming(String expected, Map<String, String> config) throws Exception {
        String log = CertfnProcess.startFailing(config);
        assertTrue(log.contains(expected), "start-up error should name " + expected + ":\n" + log);
        assertFalse(log.contains("0123456789"), "secrets never appear in the log");
    }

    @Test
    void missingDirectoryIsNamed() throws Exception {
        Map<String, String> config = valid();
        config.remove("certfn.acme.directory");
        assertStartupFailsNaming("certfn.acme.directory", config);
    }

    @Test
    void incompleteOrMalformedExternalAccountBindingIsNamedWithoutItsValue() throws Exception {
        assertStartupFailsNaming("certfn.acme.eab.kid and certfn.acme.eab.hmac-key go together",
                CertfnProcess.config(valid(), "certfn.acme.eab.kid", "kid-from-the-ca"));
        String log = CertfnProcess.startFailing(CertfnProcess.config(valid(), "certfn.acme.eab.kid", "kid-from-the-ca",
                "certfn.acme.eab.hmac-key", "not*base64*secret"));
        assertTrue(log.contains("certfn.acme.eab.hmac-key is not base64url or base64"), log);
        assertFalse(log.contains("not*base64*secret"), "never the key: " + log);
        assertStartupFailsNaming("certfn.acme.eab.mac-algorithm must be HS256, HS384 or HS512",
                CertfnProcess.config(valid(), "certfn.acme.eab.kid", "k", "certfn.acme.eab.hmac-key", "c2VjcmV0",
                        "certfn.acme.eab.mac-algorithm", "MD5"));
    }

    @Test
    void missingDnsServerIsNamed() throws Exception {
        Map<String, String> config = valid();
        config.remove("certfn.dns.rfc2136.server");
        assertStartupFailsNaming("certfn.dns.rfc2136.server", config);
    }

    @Test
    void malformedResolverIsNamedBeforeAnyRequest() throws Exception {
        assertStartupFailsNaming("certfn.dns.resolver '127.0.0.1:fifty-three' has a bad port",
                CertfnProcess.config(valid(), "certfn.dns.resolver", "127.0.0.1:fifty-three"));
    }

    @Test
    void shortApiKeyIsNamedWithoutTheKey() throws Exception {
        assertStartupFailsNaming("certfn.auth.api-keys key 'short'",
                CertfnProcess.config(valid(), "certfn.auth.api-keys", "short=0123456789"));
    }

    @Test
    void brokenPolicyNamesTheRule() throws Exception {
        assertStartupFailsNaming("rule 'r1' needs a non-empty 'domains' list",
                CertfnProcess.config(valid(), "certfn.policy", "{\"rules\":[{\"name\":\"r1\",\"match\":{\"apiKey\":\"t\"}}]}"));
    }

    @Test
    void unsupportedBackendsAreNamed() throws Exception {
        assertStartupFailsNaming("certfn.store.type 's4'", CertfnProcess.config(valid(), "certfn.store.type", "s4"));
        assertStartupFailsNaming("certfn.dns.provider 'carrier-pigeon'",
                CertfnProcess.config(valid(), "certfn.dns.provider", "carrier-pigeon"));
    }

    @Test
    void incompleteDnsSettingsAreNamed() throws Exception {
        assertStartupFailsNaming("certfn.dns.cloudflare.api-token is required for certfn.dns.provider=cloudflare",
                CertfnProcess.config(valid(), "certfn.dns.provider", "cloudflare"));
        assertStartupFailsNaming("certfn.dns.azure.resource-group is required for certfn.dns.provider=azure",
                CertfnProcess.config(valid(), "certfn.dns.provider", "azure", "certfn.dns.azure.subscription-id", "s"));
        assertStartupFailsNaming("certfn.dns.gcp.project is required for certfn.dns.provider=gcp",
                CertfnProcess.config(valid(), "certfn.dns.provider", "gcp"));
    }

    @Test
    void incompleteStoreSettingsAreNamed() throws Exception {
        assertStartupFailsNaming("certfn.store.s3.bucket is required when certfn.store.type=s3",
                CertfnProcess.config(valid(), "certfn.store.type", "s3", "certfn.store.s3.region", "eu-west-1"));
        assertStartupFailsNaming("certfn.store.azure.endpoint (https://<account>.blob.core.windows.net) or "
                        + "certfn.store.azure.connection-string is required",
                CertfnProcess.config(valid(), "certfn.store.type", "azure-blob", "certfn.store.azure.container", "c"));
        assertStartupFailsNaming("certfn.store.gcs.prefix '../up' is not a valid folder name",
                CertfnProcess.config(valid(), "certfn.store.type", "gcs", "certfn.store.gcs.bucket", "b",
                        "certfn.store.gcs.prefix", "../up"));
    }

    @Test
    void aBadEncryptionKeyIsNamedWithoutItsValue() throws Exception {
        String log = CertfnProcess.startFailing(CertfnProcess.config(valid(), "certfn.store.encryption-key", "c2VjcmV0LXNob3J0"));
        assertTrue(log.contains("certfn.store.encryption-key must be base64 of 32 bytes"), log);
        assertFalse(log.contains("c2VjcmV0LXNob3J0"), "the key's value never appears in the log");
    }

    @Test
    void platformPresetWithoutPolicyIsRefusedSayingWhy() throws Exception {
        assertStartupFailsNaming("certfn.auth.google is enabled but certfn.policy has no rules",
                CertfnProcess.config(valid(), "certfn.auth.google.audience", "https://certfn.example"));
    }

    @Test
    void anyTokenIssuerWithoutRulesIsRefusedSayingWhy() throws Exception {
        // README's own example: any workflow of any repository can mint a GitHub Actions token for any audience.
        assertStartupFailsNaming("certfn.auth.oidc is enabled but certfn.policy has no rules",
                CertfnProcess.config(valid(), "certfn.auth.oidc.issuer", "https://token.actions.githubusercontent.com",
                        "certfn.auth.oidc.audience", "https://certfn.example"));
        // An explicit empty list is no rules either.
        assertStartupFailsNaming("certfn.auth.google is enabled but certfn.policy has no rules",
                CertfnProcess.config(valid(), "certfn.auth.google.audience", "https://certfn.example", "certfn.policy", "{\"rules\":[]}"));
    }

    @Test
    void anIssuerWhoseTokensCarryADomainsClaimMayRunWithoutRules() throws Exception {
        try (CertfnProcess certfn = CertfnProcess.start(CertfnProcess.config(valid(), "certfn.auth.oidc.issuer", "https://idp.example",
                "certfn.auth.oidc.audience", "https://certfn.example", "certfn.auth.oidc.domains-claim", "domains"))) {
            assertTrue(certfn.log().contains("Accepting oidc tokens"), certfn.log());
        }
    }

    @Test
    void anApiKeyOnlyServerWithAnEmptyRuleListDeniesEveryone() throws Exception {
        try (CertfnProcess certfn = CertfnProcess.start(CertfnProcess.config(valid(), "certfn.policy", "{\"rules\":[]}"))) {
            HttpResponse<String> r = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"a.certfn.test\"}");
            assertEquals(403, r.statusCode(), r.body());
            var problem = new ObjectMapper().readTree(r.body());
            assertEquals("domain_not_allowed", problem.path("code").asText());
            assertTrue(problem.path("detail").asText().contains("has no rules"), r.body());
        }
    }

    @Test
    void halfConfiguredPresetNamesTheMissingKey() throws Exception {
        assertStartupFailsNaming("certfn.auth.azure.audience is required when certfn.auth.azure.tenant-id is set",
                CertfnProcess.config(valid(), "certfn.auth.azure.tenant-id", "t1"));
    }

    @Test
    void unreachableCaIsA502NamingIt() throws Exception {
        String directory = "https://127.0.0.1:" + CertfnProcess.freePort() + "/dir";
        try (CertfnProcess certfn = CertfnProcess.start(CertfnProcess.config(valid(), "certfn.acme.directory", directory))) {
            HttpResponse<String> r = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"a.certfn.test\"}");
            assertEquals(502, r.statusCode(), r.body());
            var problem = new ObjectMapper().readTree(r.body());
            assertEquals("acme_error", problem.path("code").asText());
            assertTrue(problem.path("detail").asText().contains(directory), problem.toString());

            HttpResponse<String> denied = certfn.post("/api/certificate", "APIKey not-the-key-0123456789x", "{\"domain\":\"a.certfn.test\"}");
            assertEquals(401, denied.statusCode());
            assertTrue(certfn.log().contains("event=denied caller=- names=- code=invalid_credentials"), certfn.log());
            assertFalse(certfn.log().contains("not-the-key"), "presented keys are never logged");
        }
    }
}
