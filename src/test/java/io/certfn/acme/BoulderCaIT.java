package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Closing;
import io.certfn.testing.TestCa;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * certfn against a test CA that answers as Let's Encrypt's Boulder does where renewals depend on it
 * (src/test/ca-proxy/boulder.py): each certificate's renewal window computed from the leaf it issued
 * by Boulder's RenewalInfoSimple, a {@code shortlived} certificate living 160 hours, certIDs
 * checked, renewal info that fails or answers garbage, accounts the CA forgot refused on every
 * request, the requested profile echoed and one it no longer offers refused. Each test names its
 * own certificates and puts back what it changes, so they run in any order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BoulderCaIT {

    private static final String KEY = "boulder-ca-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SHORT_LIVED = Duration.ofHours(160);
    private static final Map<String, String> PROFILES = Map.of("classic", "The 90-day certificate", "shortlived", "A 160-hour certificate");

    private AcmeStack stack;
    private TestCa ca;
    private CertfnProcess certfn;

    @BeforeAll
    void start() throws Exception {
        stack = AcmeStack.start(Map.of());
        ca = TestCa.start(stack);
        // Before certfn's first order: acme4j reads the directory once per session.
        ca.profiles(PROFILES);
        ca.ariLikeBoulder(Map.of("shortlived", SHORT_LIVED), 1);
        certfn = CertfnProcess.start(CertfnProcess.config(ca.certfnConfig(), "certfn.store.file.path",
                Files.createTempDirectory("certfn-boulder").toString(), "certfn.auth.api-keys", "ops=" + KEY));
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(certfn, ca, stack);
    }

    @BeforeEach
    void forwardEverything() throws Exception {
        ca.reset();
    }

    private HttpResponse<String> post(String name, String profile) throws Exception {
        String body = profile == null ? "{\"domain\":\"" + name + "\"}" : "{\"domain\":\"" + name + "\",\"profile\":\"" + profile + "\"}";
        return certfn.post("/api/certificate", "APIKey " + KEY, body);
    }

    private JsonNode issued(String name, String profile) throws Exception {
        HttpResponse<String> r = post(name, profile);
        assertEquals(200, r.statusCode(), r.body() + certfn.log());
        return JSON.readTree(r.body());
    }

    private int ordersFor(String name) throws Exception {
        int count = 0;
        for (JsonNode order : ca.orders()) {
            if (order.path("identifiers").toString().contains("\"" + name + "\"")) {
                count++;
            }
        }
        return count;
    }

    /** Boulder's RenewalInfoSimple window for a certificate valid from {@code notBefore} to {@code notAfter}. */
    private static Instant[] window(Instant notBefore, Instant notAfter) {
        Duration validity = Duration.between(notBefore, notAfter.plusSeconds(1));
        Duration offset = validity.compareTo(Duration.ofDays(10)) < 0 ? validity.dividedBy(2) : validity.dividedBy(3);
        Instant ideal = notAfter.minus(offset);
        return new Instant[] {ideal.minus(validity.dividedBy(100)), ideal.plus(validity.dividedBy(100))};
    }

    @Test
    void aShortLivedCertificateIsDueInsideItsThreeHourWindowAndRequestsDoNotOrderAgain() throws Exception {
        String name = "short.certfn.test";
        JsonNode first = issued(name, "shortlived");
        Instant notBefore = Instant.parse(first.path("notBefore").asText());
        Instant[] window = window(notBefore, notBefore.plus(SHORT_LIVED));
        Instant renewAfter = Instant.parse(first.path("renewAfter").asText());
        assertTrue(!renewAfter.isBefore(window[0].minusSeconds(1)) && !renewAfter.isAfter(window[1]),
                "inside the 3.2-hour window " + window[0] + ".." + window[1] + ", not 'now': " + renewAfter);
        assertEquals("shortlived", first.path("profile").asText(), "the CA echoed the profile asked for");
        for (int i = 0; i < 5; i++) {
            Thread.sleep(300); // past the CA's Retry-After of 1 s at the end: renewal info asked again beside the requests
            assertEquals(first.path("serial").asText(), issued(name, "shortlived").path("serial").asText());
        }
        assertEquals(1, ordersFor(name), "one order: the window is 80 hours away");
        assertEquals(List.of(), listOf(ca.renewalInfoErrors()), "every certID certfn sent was well formed and known to the CA");
        assertTrue(ca.renewalInfoFetches().size() >= 1, "renewal info was asked");
    }

    @Test
    void aClassicCertificateIsDueInsideItsWindowLeavingASweepToMeetIt() throws Exception {
        JsonNode cert = issued("classic.certfn.test", null);
        Instant[] window = window(Instant.parse(cert.path("notBefore").asText()), Instant.parse(cert.path("notAfter").asText()));
        Instant renewAfter = Instant.parse(cert.path("renewAfter").asText());
        assertTrue(!renewAfter.isBefore(window[0].minusSeconds(1)) && !renewAfter.isAfter(window[1].minus(Duration.ofHours(12))),
                "inside " + window[0] + ".." + window[1] + " with a 12-hour sweep still inside: " + renewAfter);
    }

    @Test
    void renewalInfoThatFailsOrIsNotJsonLeavesTheCertificateServedAndNothingOrdered() throws Exception {
        ca.failRenewalInfo(200, 100); // a page that is not JSON, as a CDN in front of a CA serves during an outage
        JsonNode garbage = issued("ari-garbage.certfn.test", null);
        Instant renewAfter = Instant.parse(garbage.path("renewAfter").asText());
        assertTrue(renewAfter.isAfter(Instant.now().plus(Duration.ofDays(365))), "its own schedule, years ahead: " + renewAfter);
        ca.reset();
        String name = "ari-outage.certfn.test";
        JsonNode first = issued(name, null);
        ca.failRenewalInfo(503, 100);
        for (int i = 0; i < 4; i++) {
            Thread.sleep(400); // past the CA's Retry-After of 1 s: each later request makes certfn ask again, beside it
            assertEquals(first.path("serial").asText(), issued(name, null).path("serial").asText());
        }
        assertEquals(1, ordersFor(name), "a failing renewal-info endpoint never makes a certificate due");
        assertEquals(1, ordersFor("ari-garbage.certfn.test"));
    }

    @Test
    void anAccountTheCaForgotIsRefusedOnEveryRequestAndOneNewAccountOrders() throws Exception {
        issued("before-forgetting.certfn.test", null);
        int accounts = ca.newAccountRequests();
        ca.forgetAccounts();
        issued("after-forgetting.certfn.test", null);
        issued("after-forgetting-2.certfn.test", null);
        assertEquals(accounts + 1, ca.newAccountRequests(), "one new account, then it is used: " + certfn.log());
        assertTrue(certfn.log().contains("The CA no longer knows ACME account"), certfn.log());
    }

    @Test
    void aProfileTheCaStoppedOfferingIsRefusedNamingIt() throws Exception {
        ca.profiles(Map.of("classic", "The 90-day certificate"));
        try {
            HttpResponse<String> r = post("dropped-profile.certfn.test", "shortlived");
            JsonNode problem = JSON.readTree(r.body());
            // certfn refuses it itself when it has read the directory again, else the CA's invalidProfile is final.
            assertTrue(r.statusCode() == 400 && problem.path("code").asText().equals("invalid_profile")
                    || r.statusCode() == 422 && problem.path("reason").asText().equals("invalidProfile"), r.body());
            assertTrue(problem.path("detail").asText().contains("shortlived"), r.body());
        } finally {
            ca.profiles(PROFILES);
        }
    }

    private static List<JsonNode> listOf(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }
}
