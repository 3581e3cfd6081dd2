package io.certfn.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certfn.store.ObjectStore;
import io.certfn.store.Versioned;
import io.certfn.testing.AcmeStackResource;
import io.certfn.testing.TestStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /api/renewals}: what a platform scheduler calls to renew everything due. */
@QuarkusTest
@QuarkusTestResource(AcmeStackResource.class)
class RenewalSweepApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Response obtain(String key, String domain) {
        return CertificateApiTest.post("/api/certificate", "{\"domain\":\"" + domain + "\"}", "Authorization", "APIKey " + key);
    }

    private static Response sweep(String key) {
        return CertificateApiTest.post("/api/renewals", "", "Authorization", "APIKey " + key);
    }

    @Test
    void renewsWhatIsDueAndGrantedToTheCallerAndCountsTheRest() throws Exception {
        String webSerial = obtain(AcmeStackResource.WEB_KEY, "web.certfn.test").path("serial");
        String opsSerial = obtain(AcmeStackResource.OPS_KEY, "sweep-ops.certfn.test").path("serial");
        String freshSerial = obtain(AcmeStackResource.OPS_KEY, "sweep-fresh.certfn.test").path("serial");
        TestStore.makeDue("web.certfn.test");
        TestStore.makeDue("sweep-ops.certfn.test");

        Response byWeb = sweep(AcmeStackResource.WEB_KEY);
        assertEquals(200, byWeb.statusCode(), byWeb.asString());
        assertTrue(byWeb.<Integer>path("renewed") >= 1, byWeb.asString());
        assertTrue(byWeb.path("notAllowed") == null, "the report says nothing of certificates not web's: " + byWeb.asString());
        assertEquals(byWeb.<Integer>path("checked"), byWeb.<Integer>path("renewed") + byWeb.<Integer>path("notDue")
                + byWeb.<Integer>path("clientKey") + byWeb.<Integer>path("failed") + byWeb.<Integer>path("deferred"),
                "every certificate is counted once: " + byWeb.asString());
        assertTrue(byWeb.<Integer>path("checked") < storedCertificates(), "only web's certificates are counted: " + byWeb.asString());
        // Read from the store: asking certfn for a due certificate would renew it.
        assertNotEquals(webSerial, TestStore.serial("web.certfn.test"), "renewed by the sweep");
        assertEquals(opsSerial, TestStore.serial("sweep-ops.certfn.test"), "not web's to renew");

        Response byOps = sweep(AcmeStackResource.OPS_KEY);
        assertEquals(200, byOps.statusCode(), byOps.asString());
        assertEquals(0, byOps.<Integer>path("failed"), byOps.asString());
        assertNotEquals(opsSerial, TestStore.serial("sweep-ops.certfn.test"));
        assertEquals(freshSerial, TestStore.serial("sweep-fresh.certfn.test"), "not due: kept");
    }

    @Test
    void aCertificateThatCannotBeRenewedIsReportedAndTheSweepGoesOn() throws Exception {
        String serial = obtain(AcmeStackResource.OPS_KEY, "sweep-next.certfn.test").path("serial");
        TestStore.makeDue("sweep-next.certfn.test");
        // A due certificate for a name no DNS provider here can prove.
        ObjectStore store = TestStore.store();
        Versioned model = store.get(TestStore.certificateKey("sweep-next.certfn.test")).orElseThrow();
        ObjectNode broken = (ObjectNode) JSON.readTree(model.data());
        broken.putArray("names").add("unprovable.invalid");
        broken.putNull("privateKey"); // the sealed key is bound to its own object and would not open here
        String brokenKey = "certs/unprovable-invalid-test/certificate.json";
        store.putIfAbsent(brokenKey, JSON.writeValueAsBytes(broken)).orElseThrow();
        // Due, as certfn's own writes index it (see CertificateRepository.dueKey).
        String dueEntry = io.certfn.certs.CertificateRepository.dueKey("unprovable-invalid-test", java.time.Instant.now().minusSeconds(60));
        store.putIfAbsent(dueEntry, new byte[0]);
        try {
            Response r = sweep(AcmeStackResource.OPS_KEY);
            assertEquals(200, r.statusCode(), r.asString());
            assertEquals(1, r.<Integer>path("failed"), r.asString());
            assertEquals(List.of("unprovable.invalid"), r.path("failures[0].domains"));
            assertEquals("dns_error", r.path("failures[0].code"));
            assertTrue(r.<String>path("failures[0].detail").contains("unprovable.invalid"), r.asString());
            assertNotEquals(serial, TestStore.serial("sweep-next.certfn.test"), "the other certificate was still renewed");
        } finally {
            store.deleteIfVersion(brokenKey, store.get(brokenKey).orElseThrow().version());
            store.get(dueEntry).ifPresent(v -> store.deleteIfVersion(dueEntry, v.version()));
        }
    }

    private static int storedCertificates() throws Exception {
        return (int) TestStore.store().list("certs/").stream().filter(k -> k.endsWith("/certificate.json")).count();
    }

    @Test
    void aSchedulersRenewOnlyRuleRenewsEverythingDueButNeverReceivesAKey() throws Exception {
        String serial = obtain(AcmeStackResource.OPS_KEY, "sweep-sched.certfn.test").path("serial");
        TestStore.makeDue("sweep-sched.certfn.test");
        Response swept = sweep(AcmeStackResource.SCHEDULER_KEY);
        assertEquals(200, swept.statusCode(), swept.asString());
        assertTrue(swept.<Integer>path("renewed") >= 1, swept.asString());
        assertNotEquals(serial, TestStore.serial("sweep-sched.certfn.test"), "renewed by the scheduler's sweep");

        Response key = obtain(AcmeStackResource.SCHEDULER_KEY, "sweep-sched.certfn.test");
        assertEquals(403, key.statusCode(), key.asString());
        assertEquals("domain_not_allowed", key.path("code"));
        assertTrue(key.<String>path("detail").contains("do not allow the action 'certificate' (receive certificates and keys)"), key.asString());
        Response renew = CertificateApiTest.post("/api/certificate/renew", "{\"domain\":\"sweep-sched.certfn.test\"}",
                "Authorization", "APIKey " + AcmeStackResource.SCHEDULER_KEY);
        assertEquals(403, renew.statusCode(), renew.asString());
    }

    @Test
    void aCallerWithoutARuleThatGrantsRenewalsMayNotSweep() {
        Response r = sweep(AcmeStackResource.STRANGER_KEY);
        assertEquals(403, r.statusCode(), r.asString());
        assertEquals("domain_not_allowed", r.path("code"));
        assertTrue(r.<String>path("detail").contains("apiKey:stranger may not run the renewal sweep"), r.asString());
        assertTrue(r.path("checked") == null, "nothing about the store is reported");
    }

    @Test
    void anUnauthenticatedSweepIsRefused() {
        Response r = CertificateApiTest.post("/api/renewals", "");
        assertEquals(401, r.statusCode());
        assertEquals("unauthenticated", r.path("code"));
    }
}
