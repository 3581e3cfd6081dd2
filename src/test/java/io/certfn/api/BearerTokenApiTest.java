package io.certfn.api;

import static io.certfn.api.CertificateApiTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.testing.AcmeStackResource;
import io.certfn.testing.TestIssuer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.Test;

/** Bearer tokens through HTTP: a Google-shaped ID token admitted by policy, and 401s with reasons. */
@QuarkusTest
@QuarkusTestResource(AcmeStackResource.class)
public class BearerTokenApiTest {

    public static String googleToken(String email, String audience, long expiresIn) throws Exception {
        PublicJsonWebKey key = PublicJsonWebKey.Factory.newPublicJwk(
                Files.readString(Path.of(System.getProperty(AcmeStackResource.GOOGLE_KEY))));
        return TestIssuer.googleIdToken(key, "117000000000000000001", email, audience, expiresIn);
    }

    @Test
    void googleWorkloadGetsItsCertificate() throws Exception {
        String token = googleToken(AcmeStackResource.GOOGLE_EMAIL, AcmeStackResource.GOOGLE_AUDIENCE, 3600);
        Response r = post("/api/certificate", "{\"domain\":\"token.certfn.test\"}", "Authorization", "bearer " + token);
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("token.certfn.test", r.path("domain"));
    }

    @Test
    void googleWorkloadIsDeniedOtherNames() throws Exception {
        String token = googleToken(AcmeStackResource.GOOGLE_EMAIL, AcmeStackResource.GOOGLE_AUDIENCE, 3600);
        Response r = post("/api/certificate", "{\"domain\":\"other.certfn.test\"}", "Authorization", "Bearer " + token);
        assertEquals(403, r.statusCode());
        assertEquals("domain_not_allowed", r.path("code"));
        assertTrue(r.<String>path("detail").contains("google:117000000000000000001"), r.<String>path("detail"));
    }

    @Test
    void anotherGoogleAccountIsAStranger() throws Exception {
        String token = googleToken("someone@else.iam.gserviceaccount.com", AcmeStackResource.GOOGLE_AUDIENCE, 3600);
        Response r = post("/api/certificate", "{\"domain\":\"token.certfn.test\"}", "Authorization", "Bearer " + token);
        assertEquals(403, r.statusCode(), r.asString());
        assertEquals("domain_not_allowed", r.path("code"));
        assertTrue(r.<String>path("detail").contains("No policy rule matches the caller google:"), r.<String>path("detail"));
    }

    @Test
    void rejectedTokensAnswer401WithReasonAndChallenge() throws Exception {
        String expired = googleToken(AcmeStackResource.GOOGLE_EMAIL, AcmeStackResource.GOOGLE_AUDIENCE, -3600);
        Response r = post("/api/certificate", "{\"domain\":\"token.certfn.test\"}", "Authorization", "Bearer " + expired);
        assertEquals(401, r.statusCode());
        assertEquals("application/problem+json", r.contentType());
        assertEquals("invalid_token", r.path("code"));
        assertEquals("expired", r.path("reason"));
        assertTrue(r.header("WWW-Authenticate").startsWith("Bearer realm=\"certfn\", error=\"invalid_token\", error_description=\"The token expired"));
        assertFalse(r.asString().contains(expired.substring(expired.length() - 30)));

        String otherAudience = googleToken(AcmeStackResource.GOOGLE_EMAIL, "https://other.example", 3600);
        Response mismatch = post("/api/certificate", "{\"domain\":\"token.certfn.test\"}", "Authorization", "Bearer " + otherAudience);
        assertEquals("audience_mismatch", mismatch.path("reason"));
        assertTrue(mismatch.<String>path("detail").contains("'https://other.example' but this server accepts 'https://certfn.test'"));
    }
}
