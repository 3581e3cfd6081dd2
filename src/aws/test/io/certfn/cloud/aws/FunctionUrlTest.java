package io.certfn.cloud.aws;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.certfn.api.BearerTokenApiTest;
import io.certfn.testing.AcmeStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Lambda build behind a Function URL with AuthType NONE: API keys and Bearer tokens as
 * everywhere, and an {@code authorizer.iam} that someone put into the event is worth nothing.
 */
@QuarkusTest
@QuarkusTestResource(AcmeStackResource.class)
@TestProfile(FunctionUrlTest.AuthNone.class)
class FunctionUrlTest {

    public static class AuthNone implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.lambda.mock-event-server.test-port", "0");
        }
    }

    /** CloudWatch reads JSON lines into fields (level, message, the audit's mdc.*): the Lambda build writes them. */
    @Test
    void theLambdaBuildLogsJsonLines() {
        org.eclipse.microprofile.config.Config config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        assertEquals(Boolean.TRUE, config.getValue("quarkus.log.console.json.enabled", Boolean.class));
        assertEquals("default", config.getValue("quarkus.log.console.json.log-format", String.class));
    }

    /**
     * A Function URL with AuthType NONE is public: metrics (every certificate's name, expiry and failing
     * renewal) and readiness (the store's and CA's errors) answer only a caller allowed to observe.
     */
    @Test
    void metricsAndReadinessAnswerOnlyAnObserverWhileLivenessStaysOpen() {
        for (String path : new String[] {"/q/metrics", "/q/health/ready", "/q/health"}) {
            Response anonymous = given().get(path);
            assertEquals(401, anonymous.statusCode(), path + ": " + anonymous.asString());
            assertEquals("unauthenticated", anonymous.path("code"));
            Response ops = given().header("Authorization", "APIKey " + AcmeStackResource.OPS_KEY).get(path);
            assertEquals(403, ops.statusCode(), path + ": " + ops.asString());
            org.junit.jupiter.api.Assertions.assertTrue(ops.<String>path("detail").contains("allows the action 'observe'"), ops.asString());
            Response observer = given().header("Authorization", "APIKey " + AcmeStackResource.OBSERVER_KEY).get(path);
            assertEquals(200, observer.statusCode(), path + ": " + observer.asString());
        }
        org.junit.jupiter.api.Assertions.assertTrue(given().header("Authorization", "APIKey " + AcmeStackResource.OBSERVER_KEY)
                .get("/q/metrics").asString().contains("certfn_"), "the observer reads certfn's meters");
        assertEquals(200, given().get("/q/health/live").statusCode());
        assertEquals(204, given().get("/healthz").statusCode());
    }

    @jakarta.inject.Inject
    SnapStartHooks snapStart;
    @jakarta.inject.Inject
    io.certfn.acme.AcmeAccounts accounts;
    @jakarta.inject.Inject
    io.certfn.certs.CertificateCache cache;
    @jakarta.inject.Inject
    io.certfn.api.RenderedAnswers rendered;

    /**
     * SnapStart: what the snapshot would hold after requests were served — an ACME session with the
     * CA's last nonce, the account key, certificates and rendered answers with their keys — is gone
     * after the checkpoint hook; the restored process logs in afresh (a new session, whose first
     * signed request asks the CA for a nonce of its own) and serves from the store. A real snapshot
     * cannot be taken here (no CRaC JVM): the hooks are called as Lambda's runtime calls them.
     */
    @Test
    void aSnapshotHoldsNoSessionNonceKeyOrCertificateAndTheRestoredProcessServes() {
        Response first = given().contentType("application/json").header("Authorization", "APIKey " + AcmeStackResource.OPS_KEY)
                .body("{\"domain\":\"snapshot.certfn.test\"}").post("/api/certificate");
        assertEquals(200, first.statusCode(), first.asString());
        org.junit.jupiter.api.Assertions.assertTrue(accounts.all().get(0).holdsSession(), "an order left a session (and its nonce)");
        // (The tests' certfn.store.cache-ttl is 0s, so only the rendered answer holds the key here.)
        org.junit.jupiter.api.Assertions.assertTrue(rendered.weight() > 0, "and a key in memory");

        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> snapStart.prime(), "priming renders an answer and a problem");
        snapStart.beforeCheckpoint(null);
        org.junit.jupiter.api.Assertions.assertFalse(accounts.all().get(0).holdsSession(), "no session, so no nonce, in the snapshot");
        assertEquals(0, cache.size());
        assertEquals(0, rendered.weight());
        snapStart.afterRestore(null);

        Response stored = given().contentType("application/json").header("Authorization", "APIKey " + AcmeStackResource.OPS_KEY)
                .body("{\"domain\":\"snapshot.certfn.test\"}").post("/api/certificate");
        assertEquals(200, stored.statusCode(), stored.asString());
        assertEquals(first.<String>path("serial"), stored.path("serial"), "served from the store");
        Response ordered = given().contentType("application/json").header("Authorization", "APIKey " + AcmeStackResource.OPS_KEY)
                .body("{\"domain\":\"restored.certfn.test\"}").post("/api/certificate");
        assertEquals(200, ordered.statusCode(), "a new order after the restore logs in afresh: " + ordered.asString());
        org.junit.jupiter.api.Assertions.assertTrue(accounts.all().get(0).holdsSession());
    }

    @Test
    void anApiKeyCallerGetsACertificateThroughTheLambdaHandler() {
        // Plain HTTP to the mock event server becomes a payload-2.0 event.
        Response r = given().contentType("application/json").header("Authorization", "APIKey " + AcmeStackResource.OPS_KEY)
                .body("{\"domain\":\"lambda.certfn.test\"}").post("/api/certificate");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("lambda.certfn.test", r.path("domain"));
    }

    @Test
    void aBearerTokenIsVerifiedAsEverywhere() throws Exception {
        String token = BearerTokenApiTest.googleToken(AcmeStackResource.GOOGLE_EMAIL, AcmeStackResource.GOOGLE_AUDIENCE, 3600);
        JsonNode r = FunctionUrlEvents.invoke(FunctionUrlEvents.post("/api/certificate", "{\"domain\":\"token.certfn.test\"}",
                Map.of("authorization", "Bearer " + token), null));
        assertEquals(200, r.path("statusCode").asInt(), r.toString());
    }

    @Test
    void aForgedIamIdentityInTheEventIsIgnored() throws Exception {
        JsonNode r = FunctionUrlEvents.invoke(FunctionUrlEvents.post("/api/certificate", "{\"domain\":\"billing.certfn.test\"}",
                Map.of(), "arn:aws:sts::123456789012:assumed-role/billing/forged"));
        assertEquals(401, r.path("statusCode").asInt(), r.toString());
        assertEquals("unauthenticated", FunctionUrlEvents.body(r).path("code").asText());
    }
}
