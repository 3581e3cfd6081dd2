package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.Await;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Closing;
import io.certfn.testing.TestCa;
import io.certfn.testing.TestStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a production CA answers and Pebble 2.4 never does, through {@link TestCa} (a proxy in
 * front of Pebble that also serves ARI): a rate limit with {@code Retry-After}, refusals of
 * {@code replaces}, and an account the CA no longer knows. The first test also proves the proxy itself transparent.
 * Each test names its own certificates and puts back what it changes at the CA (renewal windows,
 * failures) or in the zone, so the tests run in any order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProductionCaIT {

    private static final String KEY = "production-ca-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AcmeStack stack;
    private TestCa ca;
    private Path store;
    private CertfnProcess certfn;

    @BeforeAll
    void start() throws Exception {
        stack = AcmeStack.start(Map.of());
        ca = TestCa.start(stack);
        // ARI on before certfn's first order: acme4j reads the directory once per session.
        ca.ari(Instant.now().plus(Duration.ofDays(60)), Instant.now().plus(Duration.ofDays(61)), null);
        ca.profiles(Map.of("classic", "The default 90-day certificate", "shortlived", "A 6-day certificate"));
        store = Files.createTempDirectory("certfn-production-ca");
        certfn = CertfnProcess.start(CertfnProcess.config(ca.certfnConfig(),
                "certfn.store.file.path", store.toString(), "certfn.auth.api-keys", "ops=" + KEY,
                "certfn.renewal.sweep-interval", "0s"));
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(certfn, ca, stack);
    }

    @BeforeEach
    void forwardEverything() throws Exception {
        ca.reset();
    }

    private HttpResponse<String> post(String path, String name) throws Exception {
        return certfn.post(path, "APIKey " + KEY, "{\"domain\":\"" + name + "\"}");
    }

    /** The problem answered with {@code status} and {@code code}. */
    private static JsonNode problem(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode problem = JSON.readTree(r.body());
        assertEquals(code, problem.path("code").asText(), r.body());
        return problem;
    }

    /** The newOrder payloads the CA received for {@code name}, oldest first. */
    private List<JsonNode> ordersFor(String name) throws Exception {
        List<JsonNode> orders = new ArrayList<>();
        for (JsonNode order : ca.orders()) {
            if (order.path("identifiers").get(0).path("value").asText().equals(name)) {
                orders.add(order);
            }
        }
        return orders;
    }

    @Test
    void aRateLimitedOrderIs429WithTheCasRetryAfterAndText() throws Exception {
        HttpResponse<String> through = post("/api/certificate", "through.certfn.test");
        assertEquals(200, through.statusCode(), through.body() + certfn.log() + ca.log());
        assertEquals(1, ordersFor("through.certfn.test").size());

        String text = "too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s";
        ca.fail("newOrder", 429, "rateLimited", text, 3600, 1);
        HttpResponse<String> limited = post("/api/certificate", "limited.certfn.test");
        assertEquals(429, limited.statusCode(), limited.body() + certfn.log());
        JsonNode problem = JSON.readTree(limited.body());
        assertEquals("acme_rate_limited", problem.path("code").asText(), limited.body());
        assertTrue(problem.path("detail").asText().contains(text), problem.toString());
        assertTrue(problem.path("detail").asText().contains("urn:ietf:params:acme:error:rateLimited"), problem.toString());
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 3500 && retryAfter <= 3600, "the CA's Retry-After: " + retryAfter);

        // Remembered until the CA's Retry-After, by every instance: the CA is not asked again meanwhile.
        HttpResponse<String> again = post("/api/certificate", "limited.certfn.test");
        assertEquals(429, again.statusCode(), again.body());
        assertEquals("issuance_backoff", JSON.readTree(again.body()).path("code").asText(), again.body());
        assertTrue(JSON.readTree(again.body()).path("detail").asText().contains(text), again.body());
        long remembered = Long.parseLong(again.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(remembered > 3500 && remembered <= 3600, "the CA's Retry-After, not the shorter backoff: " + remembered);
        assertEquals(1, ordersFor("limited.certfn.test").size(), "the CA was not asked again");

        // Cleared by hand, as README says: the next request orders.
        var objects = TestStore.store(store);
        String failure = io.certfn.certs.CertificateRepository.failureKey(List.of("limited.certfn.test"));
        assertTrue(objects.get(failure).isPresent(), "the failure is recorded per set of names: " + objects.list("failures/"));
        objects.deleteIfVersion(failure, objects.get(failure).orElseThrow().version());
        HttpResponse<String> later = post("/api/certificate", "limited.certfn.test");
        assertEquals(200, later.statusCode(), "the record deleted, the next request orders: " + later.body());
        assertTrue(objects.get(failure).isEmpty(), "and a success leaves no record");
    }

    /**
     * RFC 9773 §5: a CA refuses {@code replaces} when a replacement order already exists (a
     * checkpoint was lost), or the certificate is another account's or another CA's. The renewal
     * must then succeed with a second order without it, not fail on every later request.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "409|alreadyReplaced|the certificate has already been replaced by another order",
            "403|unauthorized|the certificate to be replaced was not issued to this account",
            "404|malformed|the certificate to be replaced (replaces) is unknown to this CA"})
    void aRefusedReplacesIsRetriedOnceWithoutIt(int status, String type, String detail) throws Exception {
        String name = type.toLowerCase() + ".replaces.certfn.test";
        HttpResponse<String> first = post("/api/certificate", name);
        assertEquals(200, first.statusCode(), first.body() + certfn.log());
        TestStore.makeDue(store, name);
        ca.fail("newOrder", status, type, detail, null, 1, true);

        HttpResponse<String> renewed = post("/api/certificate/renew", name);
        assertEquals(200, renewed.statusCode(), renewed.body() + certfn.log());
        assertNotEquals(JSON.readTree(first.body()).path("serial"), JSON.readTree(renewed.body()).path("serial"));
        List<JsonNode> orders = ordersFor(name);
        assertEquals(3, orders.size(), "issued, refused with replaces, ordered without: " + orders);
        assertFalse(orders.get(0).has("replaces"));
        assertTrue(orders.get(1).has("replaces"), "the renewal named the certificate it replaces: " + orders.get(1));
        assertFalse(orders.get(2).has("replaces"), "and was asked again without it: " + orders.get(2));
        assertTrue(certfn.log().contains("ordering without replaces"), certfn.log());
    }

    @Test
    void anotherRefusalOfAReplacingOrderIsNotRetried() throws Exception {
        String name = "caa.replaces.certfn.test";
        assertEquals(200, post("/api/certificate", name).statusCode());
        TestStore.makeDue(store, name);
        ca.fail("newOrder", 403, "caa", "CAA record for certfn.test prevents issuance", null, 1, true);
        HttpResponse<String> refused = post("/api/certificate/renew", name);
        assertNotEquals(200, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("CAA record for certfn.test prevents issuance"), refused.body());
        assertEquals(2, ordersFor(name).size(), "one order at issuance, one refused: no retry");
    }

    @Test
    void aProfileTheCaDoesNotOfferIs400InvalidProfileListingTheOffered() throws Exception {
        HttpResponse<String> r = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"typo.certfn.test\",\"profile\":\"shortlive\"}");
        assertEquals(400, r.statusCode(), r.body());
        JsonNode problem = JSON.readTree(r.body());
        assertEquals("invalid_profile", problem.path("code").asText(), r.body());
        assertEquals("profile", problem.path("metadata").path("name").asText(), r.body());
        assertTrue(problem.path("detail").asText().contains("'shortlive'") && problem.path("detail").asText().contains("classic, shortlived"), r.body());
        assertEquals(0, ordersFor("typo.certfn.test").size(), "nothing ordered");
    }

    @Test
    void theProfileReachesTheCaIsPartOfTheIdentityAndIsKeptByTheSweepsRenewal() throws Exception {
        String name = "profiled.certfn.test";
        String shortlived = "{\"domain\":\"" + name + "\",\"profile\":\"shortlived\"}";
        HttpResponse<String> profiled = certfn.post("/api/certificate", "APIKey " + KEY, shortlived);
        assertEquals(200, profiled.statusCode(), profiled.body() + certfn.log());
        HttpResponse<String> plain = post("/api/certificate", name);
        assertEquals(200, plain.statusCode(), plain.body());
        assertNotEquals(JSON.readTree(profiled.body()).path("serial"), JSON.readTree(plain.body()).path("serial"),
                "another profile is another certificate");
        HttpResponse<String> again = certfn.post("/api/certificate", "APIKey " + KEY, shortlived);
        assertEquals(JSON.readTree(profiled.body()).path("serial"), JSON.readTree(again.body()).path("serial"));
        assertEquals("shortlived", JSON.readTree(again.body()).path("profile").asText(), "the answer names its profile: " + again.body());
        assertFalse(JSON.readTree(plain.body()).has("profile"), plain.body());
        List<JsonNode> orders = ordersFor(name);
        assertEquals(2, orders.size(), orders.toString());
        assertEquals("shortlived", orders.get(0).path("profile").asText(), orders.toString());
        assertFalse(orders.get(1).has("profile"), orders.toString());

        var objects = TestStore.store(store);
        String key = objects.list("certs/").stream().filter(k -> k.startsWith("certs/" + name + "-") && k.endsWith("/certificate.json"))
                .filter(k -> {
                    try {
                        return "shortlived".equals(JSON.readTree(objects.get(k).orElseThrow().data()).path("profile").asText());
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }).findFirst().orElseThrow();
        TestStore.makeDueAt(objects, key);
        HttpResponse<String> sweep = certfn.post("/api/renewals", "APIKey " + KEY, "");
        assertEquals(200, sweep.statusCode(), sweep.body());
        List<JsonNode> after = ordersFor(name);
        assertEquals(3, after.size(), "the sweep renewed the profiled certificate: " + sweep.body());
        assertEquals("shortlived", after.get(2).path("profile").asText(), "with its profile: " + after);
    }

    /** A CA that creates the order with another profile than asked would have certfn store it as the asked one. */
    @Test
    void anOrderTheCaCreatesWithAnotherProfileIsRefused() throws Exception {
        ca.echoProfile("classic");
        HttpResponse<String> r = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"echo.certfn.test\",\"profile\":\"shortlived\"}");
        assertEquals(502, r.statusCode(), r.body());
        assertTrue(JSON.readTree(r.body()).path("detail").asText().contains("with profile 'classic', not the requested 'shortlived'"), r.body());
        ca.echoProfile("shortlived");
        HttpResponse<String> same = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"echo-same.certfn.test\",\"profile\":\"shortlived\"}");
        assertEquals(200, same.statusCode(), same.body() + certfn.log());
    }

    /** certfn.acme.profile: what a request without a profile is ordered with, and a value the CA lacks named as the setting. */
    @Test
    void theServersDefaultProfileIsOrderedForRequestsThatNameNone() throws Exception {
        String[] settings = {"certfn.store.file.path", store.toString(), "certfn.auth.api-keys", "ops=" + KEY};
        try (CertfnProcess defaulted = CertfnProcess.start(CertfnProcess.config(CertfnProcess.config(ca.certfnConfig(), settings),
                "certfn.acme.profile", "shortlived"))) {
            HttpResponse<String> r = defaulted.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"default-profile.certfn.test\"}");
            assertEquals(200, r.statusCode(), r.body() + defaulted.log());
            assertEquals("shortlived", JSON.readTree(r.body()).path("profile").asText(), r.body());
            assertEquals("shortlived", ordersFor("default-profile.certfn.test").get(0).path("profile").asText());
        }
        try (CertfnProcess typo = CertfnProcess.start(CertfnProcess.config(CertfnProcess.config(ca.certfnConfig(), settings),
                "certfn.acme.profile", "shortlivd"))) {
            HttpResponse<String> r = typo.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"default-typo.certfn.test\"}");
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(JSON.readTree(r.body()).path("detail").asText().startsWith(
                    "certfn.acme.profile 'shortlivd' (the server's default profile) is not offered by the CA"), r.body());
        }
    }

    @Test
    void aRefusalRetryingCannotFixIs422AcmeRejectedWithTheReasonAndWhatToChange() throws Exception {
        String text = "Error creating new order :: Cannot issue for \"blocked.certfn.test\": The ACME server refuses to issue for this name";
        ca.fail("newOrder", 400, "rejectedIdentifier", text, null, 1);
        HttpResponse<String> r = post("/api/certificate", "blocked.certfn.test");
        assertEquals(422, r.statusCode(), r.body());
        JsonNode problem = JSON.readTree(r.body());
        assertEquals("acme_rejected", problem.path("code").asText(), r.body());
        assertEquals("rejectedIdentifier", problem.path("reason").asText(), r.body());
        assertTrue(problem.path("detail").asText().contains(text), r.body());
        assertTrue(problem.path("detail").asText().contains("another CA or another name"), "says what to change: " + r.body());
        assertEquals(1, ordersFor("blocked.certfn.test").size(), "asked once: retrying cannot help");
    }

    /** The CAA records exclude the CA: the detail names what to add, the CA's own CAA identities from its directory. */
    @Test
    void aCaaRefusalNamesTheCasCaaIdentities() throws Exception {
        ca.fail("newOrder", 403, "caa", "CAA record for caa.certfn.test prevents issuance", null, 1);
        HttpResponse<String> r = post("/api/certificate", "caa.certfn.test");
        assertEquals(422, r.statusCode(), r.body());
        JsonNode problem = JSON.readTree(r.body());
        assertEquals("caa", problem.path("reason").asText(), r.body());
        assertTrue(problem.path("detail").asText().contains("CAA record for caa.certfn.test prevents issuance"), r.body());
        assertTrue(problem.path("detail").asText().contains("0 issue \"testca.certfn.test\""), "the record to add: " + r.body());
    }

    @Test
    void aCaFailingForAMomentIsAskedAgainAndTheOrderSucceeds() throws Exception {
        ca.fail("newOrder", 503, "serverInternal", "The service is down for maintenance", 1, 2);
        ca.fail("finalize", 500, "serverInternal", "Error finalizing order", null, 1);
        HttpResponse<String> r = post("/api/certificate", "flaky.certfn.test");
        assertEquals(200, r.statusCode(), r.body() + certfn.log());
        assertEquals(3, ordersFor("flaky.certfn.test").size(), "two newOrder answered 503, the third made the order");
        assertTrue(certfn.log().contains("(2 of 3)") && certfn.log().contains("The CA failed finalizing the order"), certfn.log());
    }

    /** RFC 8555 §6.6: a CA in maintenance answers 503 with Retry-After; asking sooner is only refused again. */
    @Test
    void aCaUnavailableIsAskedAgainWhenItsRetryAfterSays() throws Exception {
        ca.fail("newOrder", 503, "serverInternal", "The service is down for maintenance", 3, 1);
        HttpResponse<String> r = post("/api/certificate", "maintenance.certfn.test");
        assertEquals(200, r.statusCode(), r.body() + certfn.log());
        assertEquals(2, ordersFor("maintenance.certfn.test").size());
        var pause = java.util.regex.Pattern.compile("The CA failed creating the order \\(.*down for maintenance.*\\); trying again in (\\d+) ms")
                .matcher(certfn.log());
        long waited = -1;
        while (pause.find()) {
            waited = Long.parseLong(pause.group(1)); // this test's line is the last
        }
        assertTrue(waited > 2000, "the CA's 3 s, not certfn's own 1 s: " + waited + " ms\n" + certfn.log());
    }

    /** A Retry-After longer than an order waits: not waited out, but handed to the caller with the CA's text. */
    @Test
    void aCaUnavailableForLongIs502WithItsRetryAfter() throws Exception {
        ca.fail("newOrder", 503, "serverInternal", "The service is down for maintenance", 120, 1);
        HttpResponse<String> r = post("/api/certificate", "long-maintenance.certfn.test");
        JsonNode problem = problem(r, 502, "acme_error");
        assertTrue(problem.path("detail").asText().contains("down for maintenance"), r.body());
        long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 100 && retryAfter <= 120, "the CA's Retry-After: " + retryAfter);
        assertEquals(1, ordersFor("long-maintenance.certfn.test").size(), "not asked again before the CA said");
    }

    @Test
    void aCaFailingThreeTimesIs502AcmeErrorWithItsText() throws Exception {
        ca.fail("newOrder", 500, "serverInternal", "Error creating new order", null, 3);
        HttpResponse<String> r = post("/api/certificate", "down.certfn.test");
        assertEquals(502, r.statusCode(), r.body());
        assertEquals("acme_error", JSON.readTree(r.body()).path("code").asText());
        assertTrue(JSON.readTree(r.body()).path("detail").asText().contains("serverInternal: Error creating new order"), r.body());
        assertEquals(3, ordersFor("down.certfn.test").size(), "three tries at most");
    }

    /**
     * acme4j reads an authorization's state at its first use and wraps a failure there in a runtime
     * exception of its own; it is the CA failing, named as such, not certfn's internal error (a
     * bench burst got {@code 500 internal} from an authorization read that timed out).
     */
    @Test
    void anAuthorizationTheCaFailsToReadIs502AcmeErrorWithItsText() throws Exception {
        ca.fail("authorization", 500, "serverInternal", "Error reading the authorization", null, 20);
        HttpResponse<String> r = post("/api/certificate", "authz-down.certfn.test");
        JsonNode problem = problem(r, 502, "acme_error");
        assertTrue(problem.path("detail").asText().contains("serverInternal: Error reading the authorization"), r.body());
        assertTrue(problem.path("detail").asText().contains("validating the DNS-01 challenges"), r.body());
    }

    /**
     * The CA moves a certificate's renewal window during its life (as Let's Encrypt does before
     * revoking early): the next sweep reads it, logs the CA's explanation and renews at once,
     * naming the certificate it replaces.
     */
    @Test
    void aRenewalWindowTheCaMovesIsSeenByTheNextSweepAndRenewedWithReplaces() throws Exception {
        String name = "ari-moved.certfn.test";
        try {
            HttpResponse<String> first = issueAskingAgainAfterOneSecond(name);
            assertEquals(200, post("/api/certificate", name).statusCode());
            assertEquals(1, ordersFor(name).size(), "not due: its window is 60 days away");
            awaitAskAgainAfter(name);
            ca.ari(Instant.now().minus(Duration.ofHours(2)), Instant.now().minus(Duration.ofHours(1)), "https://ca.example/incident-2026-11");
            HttpResponse<String> sweep = certfn.post("/api/renewals", "APIKey " + KEY, "");
            assertEquals(200, sweep.statusCode(), sweep.body());
            // The sweep covers the other tests' certificates too (one may be in its failure backoff): only this one is asserted.
            assertFalse(JSON.readTree(sweep.body()).path("failures").toString().contains("\"" + name + "\""), sweep.body() + certfn.log());
            List<JsonNode> orders = ordersFor(name);
            assertEquals(2, orders.size(), "renewed by the sweep: " + sweep.body());
            assertTrue(orders.get(1).has("replaces"), "naming the certificate it replaces: " + orders.get(1));
            assertTrue(certfn.log().contains("The CA moved the renewal window of [" + name + "]")
                    && certfn.log().contains("https://ca.example/incident-2026-11"), certfn.log());
        } finally {
            ca.ari(Instant.now().plus(Duration.ofDays(60)), Instant.now().plus(Duration.ofDays(61)), null);
        }
    }

    /**
     * An operator turns {@code certfn.acme.profile} on (here: from the CA's default to {@code
     * shortlived}). Requests without a profile keep being served their stored certificate until it
     * is due; then its renewal orders the new default, naming it in {@code replaces}, and stores the
     * new one in its place, so nothing is left to be renewed beside it. A certificate an earlier
     * release stored under the default profile's id is moved, not ordered again.
     */
    @Test
    void aChangedDefaultProfileMovesEachCertificateAtItsNextRenewalWithReplaces() throws Exception {
        String name = "profile-move.certfn.test";
        String earlier = "profile-earlier.certfn.test";
        HttpResponse<String> first = post("/api/certificate", name);
        assertEquals(200, first.statusCode(), first.body() + certfn.log());
        try (CertfnProcess shortlived = CertfnProcess.start(CertfnProcess.config(ca.certfnConfig(), "certfn.store.file.path",
                store.toString(), "certfn.auth.api-keys", "ops=" + KEY, "certfn.acme.profile", "shortlived",
                "certfn.renewal.sweep-interval", "0s"))) {
            HttpResponse<String> served = shortlived.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + name + "\"}");
            assertEquals(200, served.statusCode(), served.body() + shortlived.log());
            assertEquals(serial(first), serial(served), "served until due, not ordered anew for the new default");
            assertEquals(1, ordersFor(name).size());

            TestStore.makeDue(store, name);
            HttpResponse<String> sweep = shortlived.post("/api/renewals", "APIKey " + KEY, "");
            assertEquals(200, sweep.statusCode(), sweep.body());
            List<JsonNode> orders = ordersFor(name);
            assertEquals(2, orders.size(), "renewed by the sweep: " + sweep.body() + shortlived.log());
            assertEquals("shortlived", orders.get(1).path("profile").asText(), "ordered with the new default: " + orders.get(1));
            assertTrue(orders.get(1).has("replaces"), "naming the certificate it moves: " + orders.get(1));
            var objects = TestStore.store(store);
            List<String> stored = objects.list("certs/" + name + "-").stream().filter(k -> k.endsWith("/certificate.json")).toList();
            assertEquals(1, stored.size(), "the old certificate is not left to be renewed beside the new one: " + stored);
            assertEquals("shortlived", JSON.readTree(objects.get(stored.get(0)).orElseThrow().data()).path("profile").asText());
            HttpResponse<String> moved = shortlived.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + name + "\"}");
            assertNotEquals(serial(first), serial(moved));
            assertEquals(2, ordersFor(name).size());
            // Its next renewal renews it in place, as the request without a profile that it answers.
            TestStore.makeDue(store, name);
            assertEquals(200, shortlived.post("/api/renewals", "APIKey " + KEY, "").statusCode());
            assertEquals(3, ordersFor(name).size(), shortlived.log());
            assertEquals(stored, objects.list("certs/" + name + "-").stream().filter(k -> k.endsWith("/certificate.json")).toList());

            // As a release before 2026-12-07 stored a request without a profile under certfn.acme.profile=shortlived.
            HttpResponse<String> asBefore = shortlived.post("/api/certificate", "APIKey " + KEY,
                    "{\"domain\":\"" + earlier + "\",\"profile\":\"shortlived\"}");
            assertEquals(200, asBefore.statusCode(), asBefore.body());
            HttpResponse<String> upgraded = shortlived.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + earlier + "\"}");
            assertEquals(serial(asBefore), serial(upgraded), "moved to the id of a request without a profile: " + shortlived.log());
            assertEquals(1, ordersFor(earlier).size());
            assertEquals(1, objects.list("certs/" + earlier + "-").stream().filter(k -> k.endsWith("/certificate.json")).count());
        }
    }

    private static String serial(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("serial").asText();
    }

    /**
     * RFC 9773 §4.3: a request also asks about its certificate once the CA's last
     * {@code Retry-After} has passed, so a window moved between sweeps is seen. Two processes
     * sharing the store are asked at once: the CA is asked once, and both then answer the new due time.
     */
    @Test
    void requestsAskTheCaAgainAfterItsRetryAfterOnceAcrossTwoProcesses() throws Exception {
        String name = "ari-lazy.certfn.test";
        Instant windowStart = Instant.now().plus(Duration.ofDays(60));
        try (CertfnProcess other = CertfnProcess.start(CertfnProcess.config(ca.certfnConfig(),
                "certfn.store.file.path", store.toString(), "certfn.auth.api-keys", "ops=" + KEY))) {
            ca.ari(windowStart, windowStart.plus(Duration.ofDays(1)), null, 1);
            HttpResponse<String> first = post("/api/certificate", name);
            assertEquals(200, first.statusCode(), first.body() + certfn.log());
            Instant renewAfter = Instant.parse(JSON.readTree(first.body()).path("renewAfter").asText());
            assertTrue(!renewAfter.isBefore(windowStart) && renewAfter.isBefore(windowStart.plus(Duration.ofHours(12))),
                    "a random point of the window that a sweep every 12 h (certfn.renewal.check-interval) still meets: " + renewAfter);
            int atIssuance = ca.renewalInfoFetches().size();
            assertTrue(atIssuance >= 1, "asked at issuance");

            Instant moved = Instant.now().plus(Duration.ofDays(10));
            ca.ari(moved, moved.plus(Duration.ofDays(1)), "https://ca.example/incident-lazy", 3600);
            awaitAskAgainAfter(name);
            var both = List.of(certfn, other).stream()
                    .map(p -> java.util.concurrent.CompletableFuture.supplyAsync(() -> postQuietly(p, name))).toList();
            for (var answer : both) {
                assertEquals(200, answer.join().statusCode(), answer.join().body() + certfn.log() + other.log());
            }
            assertEquals(atIssuance + 1, ca.renewalInfoFetches().size(), "one look for both processes: " + ca.renewalInfoFetches());
            for (CertfnProcess p : List.of(certfn, other)) {
                HttpResponse<String> later = postQuietly(p, name);
                Instant shown = Instant.parse(JSON.readTree(later.body()).path("renewAfter").asText());
                assertTrue(!shown.isBefore(moved) && shown.isBefore(moved.plus(Duration.ofDays(1))), "the moved window answered: " + later.body());
            }
            assertEquals(atIssuance + 1, ca.renewalInfoFetches().size(), "not asked again before the CA's Retry-After");
            assertEquals(1, ordersFor(name).size(), "moved, not begun: nothing renewed yet");
            assertTrue((certfn.log() + other.log()).contains("https://ca.example/incident-lazy"), "the explanation logged");
        } finally {
            ca.ari(Instant.now().plus(Duration.ofDays(60)), Instant.now().plus(Duration.ofDays(61)), null);
        }
    }

    /**
     * A fresh instance (a cold start) does not know yet whether the CA offers renewal info; the
     * stored certificate's next look is due. Its first request must be answered from the store
     * while the CA's directory does not answer (a CA slow or down), not after the CA's time-out.
     */
    @Test
    void aFreshInstanceAnswersAStoredCertificateWithoutWaitingForTheCasDirectory() throws Exception {
        String name = "cold-ari.certfn.test";
        try {
            HttpResponse<String> issued = issueAskingAgainAfterOneSecond(name);
            awaitAskAgainAfter(name);
            ca.holdDirectory(40);
            try (CertfnProcess fresh = CertfnProcess.start(CertfnProcess.config(ca.certfnConfig(),
                    "certfn.store.file.path", store.toString(), "certfn.auth.api-keys", "ops=" + KEY))) {
                long t0 = System.nanoTime();
                HttpResponse<String> answer = postQuietly(fresh, name);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(200, answer.statusCode(), answer.body() + fresh.log());
                assertEquals(JSON.readTree(issued.body()).path("certificate").asText(), JSON.readTree(answer.body()).path("certificate").asText(),
                        "the stored certificate");
                assertTrue(ms < 15_000, "answered in " + ms + " ms, not after the held directory (40 s) or a time-out\n" + fresh.log());
                Await.atMost(Duration.ofSeconds(15)).until("the fresh instance looks at the directory, beside the request",
                        () -> ca.held() >= 1, fresh::log);
            }
        } finally {
            ca.reset();
            ca.ari(Instant.now().plus(Duration.ofDays(60)), Instant.now().plus(Duration.ofDays(61)), null);
        }
    }

    /**
     * A certificate issued while the CA offered no renewal info (Pebble 2.4, a CA before ARI) has no
     * {@code Retry-After} to wait out: a fresh instance serves it, three times, without reading the
     * CA's directory, beside the requests or after them.
     */
    @Test
    void aFreshInstanceServesACertificateTheCaGaveNoRenewalInfoForWithoutAskingTheCa() throws Exception {
        String name = "no-ari.certfn.test";
        String[] config = {"certfn.store.file.path", store.toString(), "certfn.auth.api-keys", "ops=" + KEY};
        try {
            ca.ariOff();
            try (CertfnProcess issuing = CertfnProcess.start(CertfnProcess.config(ca.certfnConfig(), config))) {
                HttpResponse<String> issued = postQuietly(issuing, name);
                assertEquals(200, issued.statusCode(), issued.body() + issuing.log());
            }
            var objects = TestStore.store(store);
            JsonNode stored = JSON.readTree(objects.get(TestStore.certificateKey(objects, name)).orElseThrow().data());
            assertTrue(stored.path("ariCheckAfter").isNull(), "no renewal info at issuance: " + stored.path("ariCheckAfter"));
            ca.holdDirectory(1); // counts every directory read from here on
            int heldBefore = ca.held();
            try (CertfnProcess fresh = CertfnProcess.start(CertfnProcess.config(ca.certfnConfig(), config))) {
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> answer = postQuietly(fresh, name);
                    assertEquals(200, answer.statusCode(), answer.body() + fresh.log());
                }
                // A look beside the first request (what a fresh instance did before) reaches the proxy well within this.
                Thread.sleep(3_000);
                assertEquals(heldBefore, ca.held(), "the CA's directory read by an instance that only served a stored certificate\n" + fresh.log());
            }
        } finally {
            ca.reset();
            ca.ari(Instant.now().plus(Duration.ofDays(60)), Instant.now().plus(Duration.ofDays(61)), null);
        }
    }

    /** Issues {@code name} while the CA's renewal info says "ask again after 1 s" (a window 60 days ahead). */
    private HttpResponse<String> issueAskingAgainAfterOneSecond(String name) throws Exception {
        ca.ari(Instant.now().plus(Duration.ofDays(60)), Instant.now().plus(Duration.ofDays(61)), null, 1);
        HttpResponse<String> issued = post("/api/certificate", name);
        assertEquals(200, issued.statusCode(), issued.body() + certfn.log());
        return issued;
    }

    private HttpResponse<String> postQuietly(CertfnProcess process, String name) {
        try {
            return process.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + name + "\"}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the stored certificate's next look at the CA's renewal info is due (a second at most here). */
    private void awaitAskAgainAfter(String name) throws Exception {
        var objects = TestStore.store(store);
        String key = TestStore.certificateKey(objects, name);
        Instant askAgain = Instant.parse(JSON.readTree(objects.get(key).orElseThrow().data()).path("ariCheckAfter").asText());
        assertTrue(askAgain.isBefore(Instant.now().plus(Duration.ofSeconds(5))), "the CA's Retry-After of 1 s kept: " + askAgain);
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), askAgain).toMillis() + 10));
    }

    /**
     * An instance dies after triggering the challenge, before it could remove its TXT record. The
     * instance that resumes the order finds the authorization answered (nothing to publish) and
     * must still remove that record: the zone would otherwise keep one stale value per crash.
     */
    @Test
    void aResumedOrderRemovesTheRecordsOfChallengesAnsweredBeforeACrash() throws Exception {
        String name = "resumed.certfn.test";
        String[] config = {"certfn.store.file.path", store.toString(), "certfn.auth.api-keys", "ops=" + KEY, "certfn.lease.duration", "2s"};
        ca.holdChallengeTrigger(20);
        int heldBefore = ca.held();
        try (CertfnProcess doomed = CertfnProcess.start(CertfnProcess.config(ca.certfnConfig(), config))) {
            var lost = java.util.concurrent.CompletableFuture.runAsync(() -> postQuietly(doomed, name));
            Await.atMost(Duration.ofSeconds(30)).until("the challenge triggered", () -> ca.held() != heldBefore, doomed::log);
            doomed.kill();
            lost.exceptionally(t -> null);
        }
        assertFalse(stack.txt("_acme-challenge." + name).isEmpty(), "the killed instance left its record");
        try (CertfnProcess survivor = CertfnProcess.start(CertfnProcess.config(ca.certfnConfig(), config))) {
            HttpResponse<String> r = postQuietly(survivor, name);
            assertEquals(200, r.statusCode(), r.body() + survivor.log());
            assertTrue(survivor.log().contains("Resuming ACME order"), survivor.log());
            assertEquals(List.of(), stack.txt("_acme-challenge." + name), "the record of the answered challenge removed");
            assertEquals(1, ordersFor(name).size(), "resumed, not ordered again");
        }
    }

    /**
     * Route 53, Cloudflare, Azure DNS and Cloud DNS publish AAAA records for their name servers,
     * which a function with IPv4-only egress cannot reach: the order must still be issued.
     */
    @Test
    void aZoneWhoseNameServerHasAnUnreachableIpv6AddressIsIssued() throws Exception {
        stack.addRecord("ns", org.xbill.DNS.Type.AAAA, "2001:db8::53"); // documentation prefix: routed nowhere
        try {
            HttpResponse<String> r = post("/api/certificate", "v6-ns.certfn.test");
            assertEquals(200, r.statusCode(), r.body() + certfn.log());
        } finally {
            stack.removeRecord("ns", org.xbill.DNS.Type.AAAA, "2001:db8::53");
        }
    }

    /**
     * RFC 8555 §7.3: a CA that no longer knows the account (deactivated, or reset) answers
     * accountDoesNotExist. certfn registers a new account once and goes on, instead of failing
     * every order until someone deletes the stored account by hand.
     */
    @Test
    void anAccountTheCaNoLongerKnowsIsReplacedByANewOneAndTheOrderGoesOn() throws Exception {
        String name = "new-account.certfn.test";
        assertEquals(200, post("/api/certificate", "before-" + name).statusCode(), "the account is registered");
        String before = accountLocation();
        ca.fail("newOrder", 400, "accountDoesNotExist", "No account exists with the provided key", null, 1);
        HttpResponse<String> r = post("/api/certificate", name);
        assertEquals(200, r.statusCode(), r.body() + certfn.log());
        assertNotEquals(before, accountLocation(), "a new account is stored");
        assertEquals(2, ordersFor(name).size(), "refused for the old account, made with the new one");
        assertTrue(certfn.log().contains("The CA no longer knows ACME account " + before), certfn.log());
    }

    private String accountLocation() throws Exception {
        var objects = TestStore.store(store);
        List<String> accounts = objects.list("acme/");
        assertEquals(1, accounts.size(), accounts.toString());
        return JSON.readTree(objects.get(accounts.get(0)).orElseThrow().data()).path("location").asText();
    }
}
