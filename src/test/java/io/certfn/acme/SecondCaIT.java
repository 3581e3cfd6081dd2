package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Closing;
import io.certfn.testing.TestCa;
import io.certfn.testing.TestCerts;
import io.certfn.testing.TestStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code certfn.acme.directory} naming two CAs (two Pebbles, each behind a {@link TestCa}): the
 * second serves when the first cannot be reached, fails or rate-limits; a refusal is no reason to
 * ask another CA; renewals start at the first again, without naming the second CA's certificate
 * in {@code replaces}; when both fail the answer names both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecondCaIT {

    private static final String KEY = "second-ca-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AcmeStack firstStack;
    private AcmeStack secondStack;
    private TestCa first;
    private TestCa second;
    private Path store;
    private Map<String, String> base;
    private CertfnProcess certfn;

    @BeforeAll
    void start() throws Exception {
        firstStack = AcmeStack.start(Map.of());
        // The second CA validates against the first stack's DNS server, where certfn writes its records.
        secondStack = AcmeStack.start(Map.of("STACK_PEBBLE_DNS", firstStack.get("DNS_SERVER")));
        first = TestCa.start(firstStack);
        second = TestCa.start(secondStack);
        store = Files.createTempDirectory("certfn-second-ca");
        Path trust = Files.createTempFile("certfn-two-cas", ".pem");
        Files.writeString(trust, Files.readString(Path.of(first.certfnConfig().get("certfn.acme.trust-store")))
                + Files.readString(Path.of(second.certfnConfig().get("certfn.acme.trust-store"))));
        Map<String, String> config = new HashMap<>(firstStack.certfnConfig());
        config.put("certfn.acme.directory", first.directory() + ", " + second.directory());
        config.put("certfn.acme.trust-store", trust.toString());
        config.put("certfn.store.file.path", store.toString());
        config.put("certfn.store.cache-ttl", "0s");
        config.put("certfn.auth.api-keys", "ops=" + KEY);
        base = Map.copyOf(config);
        // The shared process has no circuit breaker: these tests are about the fallback itself, in any order.
        config.put("certfn.acme.circuit-breaker.failures", "0");
        certfn = CertfnProcess.start(config);
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(certfn, first, second, secondStack, firstStack);
    }

    @BeforeEach
    void healthy() throws Exception {
        first.reset();
        second.reset();
    }

    private HttpResponse<String> post(String name) throws Exception {
        return certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + name + "\"}");
    }

    private String storedDirectory(String name) throws Exception {
        var objects = TestStore.store(store);
        return JSON.readTree(objects.get(TestStore.certificateKey(objects, name)).orElseThrow().data()).path("directory").asText();
    }

    @Test
    void theFirstCaServesWhileItCan() throws Exception {
        int before = second.orders().size();
        HttpResponse<String> r = post("primary.certfn.test");
        assertEquals(200, r.statusCode(), r.body() + certfn.log());
        TestCerts.verifyChain(JSON.readTree(r.body()).path("certificate").asText(), firstStack.root());
        assertEquals(first.directory(), storedDirectory("primary.certfn.test"));
        assertEquals(before, second.orders().size(), "the second CA was not asked");
    }

    @Test
    void aFailingFirstCaIsReplacedByTheSecondAndRenewalsStartAtTheFirstAgain() throws Exception {
        String name = "fallback.certfn.test";
        first.fail("newOrder", 503, "serverInternal", "The service is down for maintenance", null, 3);
        HttpResponse<String> r = post(name);
        assertEquals(200, r.statusCode(), r.body() + certfn.log());
        TestCerts.verifyChain(JSON.readTree(r.body()).path("certificate").asText(), secondStack.root());
        assertEquals(second.directory(), storedDirectory(name), "the certificate records the CA that issued it");
        assertTrue(certfn.log().contains("The CA at " + first.directory() + " could not serve the order for [" + name + "]"), certfn.log());

        HttpResponse<String> again = post(name);
        assertEquals(JSON.readTree(r.body()).path("serial"), JSON.readTree(again.body()).path("serial"),
                "the second CA's certificate is served: it is a configured CA's");

        TestStore.makeDue(store, name);
        HttpResponse<String> renewed = post(name);
        assertEquals(200, renewed.statusCode(), renewed.body() + certfn.log());
        TestCerts.verifyChain(JSON.readTree(renewed.body()).path("certificate").asText(), firstStack.root());
        assertEquals(first.directory(), storedDirectory(name), "renewed at the first CA again");
        JsonNode atFirst = first.orders();
        assertFalse(atFirst.get(atFirst.size() - 1).has("replaces"), "the first CA never saw the second's certificate: " + atFirst);
    }

    @Test
    void aRateLimitAtTheFirstCaIsServedByTheSecond() throws Exception {
        first.fail("newOrder", 429, "rateLimited", "too many new orders recently", 3600, 1);
        HttpResponse<String> r = post("limited-first.certfn.test");
        assertEquals(200, r.statusCode(), r.body() + certfn.log());
        assertEquals(second.directory(), storedDirectory("limited-first.certfn.test"));
    }

    @Test
    void aRefusalIsNotTakenToAnotherCa() throws Exception {
        first.fail("newOrder", 400, "rejectedIdentifier", "The ACME server refuses to issue for this name", null, 1);
        int before = second.orders().size();
        HttpResponse<String> r = post("refused.certfn.test");
        assertEquals(422, r.statusCode(), r.body());
        assertEquals(before, second.orders().size(), "a refusal of the request is no outage: the second CA is not asked");
    }

    @Test
    void whenBothFailTheAnswerNamesBoth() throws Exception {
        first.fail("newOrder", 503, "serverInternal", "first CA down", null, 3);
        second.fail("newOrder", 503, "serverInternal", "second CA down", null, 3);
        HttpResponse<String> r = post("both-down.certfn.test");
        assertEquals(502, r.statusCode(), r.body());
        String detail = JSON.readTree(r.body()).path("detail").asText();
        assertTrue(detail.contains("second CA down") && detail.contains("first CA down"), r.body());
    }

    /**
     * A first CA that keeps failing is asked last once it failed 2 orders in a row: the next order
     * goes straight to the second CA (the first sees nothing of it), readiness and metrics say so.
     */
    @Test
    void aFirstCaThatKeepsFailingIsAskedLastForAWhile() throws Exception {
        try (CertfnProcess breaking = CertfnProcess.start(CertfnProcess.config(base, "certfn.store.file.path",
                Files.createTempDirectory("certfn-circuit").toString(), "certfn.acme.circuit-breaker.failures", "2",
                "certfn.acme.circuit-breaker.open-for", "1h"))) {
            first.fail("newOrder", 503, "serverInternal", "The service is down for maintenance", null, -1);
            for (String name : List.of("circuit-1.certfn.test", "circuit-2.certfn.test")) {
                HttpResponse<String> r = breaking.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + name + "\"}");
                assertEquals(200, r.statusCode(), r.body() + breaking.log());
            }
            assertTrue(breaking.log().contains("could not serve 2 orders in a row"), breaking.log());
            int askedFirst = first.orders().size();
            HttpResponse<String> third = breaking.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"circuit-3.certfn.test\"}");
            assertEquals(200, third.statusCode(), third.body());
            TestCerts.verifyChain(JSON.readTree(third.body()).path("certificate").asText(), secondStack.root());
            assertEquals(askedFirst, first.orders().size(), "the first CA was not asked: its circuit is open");

            String metrics = breaking.get("/q/metrics").body();
            assertTrue(metrics.contains("certfn_ca_circuit_open{directory=\"" + first.directory() + "\"} 1.0"), metrics);
            assertTrue(metrics.contains("certfn_ca_circuit_open{directory=\"" + second.directory() + "\"} 0.0"), metrics);
            String ready = breaking.get("/q/health/ready").body();
            assertTrue(ready.contains("circuit-open " + first.directory()) && ready.contains("2 orders in a row failed"), ready);
        }
    }

    /** A profile the first CA does not offer is ordered at the second, which does. */
    @Test
    void aProfileTheFirstCaDoesNotOfferIsOrderedAtTheSecond() throws Exception {
        second.profiles(Map.of("shortlived", "A 160-hour certificate"));
        try (CertfnProcess profiled = CertfnProcess.start(CertfnProcess.config(base, "certfn.store.file.path",
                Files.createTempDirectory("certfn-profile-handoff").toString()))) {
            int askedFirst = first.orders().size();
            HttpResponse<String> r = profiled.post("/api/certificate", "APIKey " + KEY,
                    "{\"domain\":\"profiled.certfn.test\",\"profile\":\"shortlived\"}");
            assertEquals(200, r.statusCode(), r.body() + profiled.log());
            TestCerts.verifyChain(JSON.readTree(r.body()).path("certificate").asText(), secondStack.root());
            assertEquals(askedFirst, first.orders().size(), "nothing ordered at the CA without the profile");

            HttpResponse<String> nowhere = profiled.post("/api/certificate", "APIKey " + KEY,
                    "{\"domain\":\"nowhere.certfn.test\",\"profile\":\"tlsserver\"}");
            assertEquals(400, nowhere.statusCode(), nowhere.body());
            String detail = JSON.readTree(nowhere.body()).path("detail").asText();
            assertTrue(detail.startsWith("No configured CA offers it.") && detail.contains(first.directory())
                    && detail.contains(second.directory()), detail);
        }
    }
}
