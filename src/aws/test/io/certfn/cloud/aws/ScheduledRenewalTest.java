package io.certfn.cloud.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.certfn.testing.AcmeStackResource;
import io.certfn.testing.TestStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Lambda build's renewal schedule as EventBridge Scheduler delivers it (a direct invocation
 * with a plain event), and as a forger would send it: it renews what is due, hands out nothing,
 * needs no policy rule, and is not reachable through the Function URL.
 */
@QuarkusTest
@QuarkusTestResource(AcmeStackResource.class)
@TestProfile(FunctionUrlTest.AuthNone.class)
class ScheduledRenewalTest {

    @Test
    void theScheduleRenewsEverythingDueAndAnswersOnlyCounts() throws Exception {
        JsonNode issued = FunctionUrlEvents.body(FunctionUrlEvents.invoke(FunctionUrlEvents.post("/api/certificate",
                "{\"domain\":\"scheduled.certfn.test\"}", Map.of("authorization", "APIKey " + AcmeStackResource.OPS_KEY), null)));
        String serial = issued.path("serial").asText();
        assertFalse(serial.isEmpty(), issued.toString());
        TestStore.makeDue("scheduled.certfn.test");

        JsonNode r = FunctionUrlEvents.invoke(FunctionUrlEvents.scheduled("/aws/scheduled-renewal"));
        assertEquals(200, r.path("statusCode").asInt(), r.toString());
        JsonNode report = FunctionUrlEvents.body(r);
        assertTrue(report.path("renewed").asInt() >= 1, report.toString());
        assertFalse(r.path("body").asText().contains("PRIVATE KEY") || r.path("body").asText().contains("BEGIN CERTIFICATE"),
                "a sweep hands out nothing: " + r);
        assertNotEquals(serial, TestStore.serial("scheduled.certfn.test"), "renewed in the store");
    }

    @Test
    void theScheduledPathIsNotReachableThroughTheFunctionUrl() throws Exception {
        JsonNode r = FunctionUrlEvents.invoke(FunctionUrlEvents.post("/aws/scheduled-renewal", "", Map.of(), null));
        assertEquals(404, r.path("statusCode").asInt(), r.toString());
        assertTrue(FunctionUrlEvents.body(r).path("detail").asText().contains("use POST /api/renewals"), r.toString());
    }

    @Test
    void theOldForgedSchedulerEventGetsNoKey() throws Exception {
        // What the template's schedule used to send: an event claiming an IAM role the policy granted "*".
        JsonNode r = FunctionUrlEvents.invoke(FunctionUrlEvents.post("/api/certificate", "{\"domain\":\"victim.certfn.test\"}",
                Map.of(), "arn:aws:sts::123456789012:assumed-role/certfn-RenewalScheduleRole/scheduler"));
        assertEquals(401, r.path("statusCode").asInt(), r.toString());
        assertFalse(r.path("body").asText().contains("PRIVATE KEY"));
    }
}
