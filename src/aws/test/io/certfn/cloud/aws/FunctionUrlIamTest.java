package io.certfn.cloud.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.certfn.testing.AcmeStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Lambda build behind a Function URL with AuthType AWS_IAM, as the SAM template deploys it:
 * Lambda hands a direct {@code Invoke} (anyone with {@code lambda:InvokeFunction}, or an EventBridge
 * schedule given a role that may invoke it) the same event shape as a signed URL request ("Invoking
 * Lambda function URLs", payload format 2.0), so the event's {@code authorizer.iam} is whatever the
 * invoker wrote. Such an identity may run renewals and never receives a key.
 */
@QuarkusTest
@QuarkusTestResource(AcmeStackResource.class)
@TestProfile(FunctionUrlIamTest.AwsIam.class)
class FunctionUrlIamTest {

    public static class AwsIam implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("certfn.platform.aws.function-url-auth", "AWS_IAM", "quarkus.lambda.mock-event-server.test-port", "0");
        }
    }

    private static final String SESSION = "arn:aws:sts::123456789012:assumed-role/billing/i-0abc";

    @Test
    void aForgedDirectInvokeNamingAGrantedRoleGetsNoKey() throws Exception {
        for (String path : new String[] {"/api/certificate", "/api/certificate/renew", "/api/certificate/revoke"}) {
            JsonNode r = FunctionUrlEvents.invoke(FunctionUrlEvents.post(path, "{\"domain\":\"billing.certfn.test\"}", Map.of(), SESSION));
            assertEquals(403, r.path("statusCode").asInt(), path + ": " + r);
            assertFalse(r.path("body").asText().contains("PRIVATE KEY") || r.path("body").asText().contains("BEGIN CERTIFICATE"), r.toString());
            JsonNode problem = FunctionUrlEvents.body(r);
            assertEquals("domain_not_allowed", problem.path("code").asText());
            assertTrue(problem.path("detail").asText().contains("arn:aws:iam::123456789012:role/billing"), problem.toString());
            assertTrue(problem.path("detail").asText().contains("certfn.platform.aws.trust-direct-invokers"), problem.toString());
        }
    }

    @Test
    void theEventsRoleMayRunTheRenewalSweepWhichHandsOutNothing() throws Exception {
        JsonNode r = FunctionUrlEvents.invoke(FunctionUrlEvents.post("/api/renewals", "", Map.of(), SESSION));
        assertEquals(200, r.path("statusCode").asInt(), r.toString());
        assertTrue(FunctionUrlEvents.body(r).has("renewed"), r.toString());
        assertFalse(r.path("body").asText().contains("PRIVATE KEY"));
    }

    @Test
    void anEventWithoutAnIamIdentityIsRefusedSayingWhy() throws Exception {
        JsonNode r = FunctionUrlEvents.invoke(FunctionUrlEvents.post("/api/certificate", "{\"domain\":\"billing.certfn.test\"}",
                Map.of("authorization", "APIKey " + AcmeStackResource.OPS_KEY), null));
        assertEquals(401, r.path("statusCode").asInt(), r.toString());
        assertTrue(FunctionUrlEvents.body(r).path("detail").asText().contains("AuthType AWS_IAM"), r.toString());
    }

    @Test
    void principalArnsAreTheRolesBehindSessions() {
        assertEquals("arn:aws:iam::123456789012:role/billing", FunctionUrlIamIdentity.principalArn(SESSION));
        assertEquals("arn:aws-cn:iam::123456789012:role/r", FunctionUrlIamIdentity.principalArn("arn:aws-cn:sts::123456789012:assumed-role/r/s"));
        assertEquals("arn:aws:iam::123456789012:user/alice", FunctionUrlIamIdentity.principalArn("arn:aws:iam::123456789012:user/alice"));
    }
}
