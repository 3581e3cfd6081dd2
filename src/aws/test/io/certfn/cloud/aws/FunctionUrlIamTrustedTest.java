package io.certfn.cloud.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * AWS_IAM with the operator's opt-in {@code certfn.platform.aws.trust-direct-invokers=true} (every
 * principal that may invoke the function is trusted to name any role): the event's role is the caller.
 */
@QuarkusTest
@QuarkusTestResource(AcmeStackResource.class)
@TestProfile(FunctionUrlIamTrustedTest.TrustedInvokers.class)
class FunctionUrlIamTrustedTest {

    public static class TrustedInvokers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("certfn.platform.aws.function-url-auth", "AWS_IAM", "certfn.platform.aws.trust-direct-invokers", "true",
                    "quarkus.lambda.mock-event-server.test-port", "0");
        }
    }

    private static final String SESSION = "arn:aws:sts::123456789012:assumed-role/billing/i-0abc";

    @Test
    void theSignersRoleGetsWhatThePolicyGrantsIt() throws Exception {
        JsonNode r = FunctionUrlEvents.invoke(FunctionUrlEvents.post("/api/certificate", "{\"domain\":\"billing.certfn.test\"}",
                Map.of(), SESSION));
        assertEquals(200, r.path("statusCode").asInt(), r.toString());
        JsonNode cert = FunctionUrlEvents.body(r);
        assertEquals("billing.certfn.test", cert.path("domain").asText());
        assertTrue(cert.path("certificate").asText().startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void otherNamesAreDeniedNamingTheRole() throws Exception {
        JsonNode r = FunctionUrlEvents.invoke(FunctionUrlEvents.post("/api/certificate", "{\"domain\":\"web.certfn.test\"}",
                Map.of(), SESSION));
        assertEquals(403, r.path("statusCode").asInt(), r.toString());
        JsonNode problem = FunctionUrlEvents.body(r);
        assertEquals("domain_not_allowed", problem.path("code").asText());
        assertTrue(problem.path("detail").asText().contains("arn:aws:iam::123456789012:role/billing"), problem.toString());
    }
}
