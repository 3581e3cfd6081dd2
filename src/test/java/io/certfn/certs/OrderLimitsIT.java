package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Closing;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A caller granted a whole subdomain tries to use up what every tenant shares: concurrent orders
 * (the ACME account's new-order limit, the instance's threads) and new certificates (the registered
 * domain's weekly certificates). Each limit answers 429 with Retry-After, naming its key, and leaves
 * other callers and already stored certificates alone.
 */
class OrderLimitsIT {

    private static final String GREEDY = "greedy-key-0123456789";
    private static final String OTHER = "other-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AcmeStack stack;
    private static CertfnProcess certfn;
    /** A second instance sharing the store: the CA's quotas are counted by both together. */
    private static CertfnProcess second;

    @BeforeAll
    static void start() throws Exception {
        stack = AcmeStack.start(Map.of());
        Map<String, String> config = tenants("certfn-limits");
        // Every order stays running a while after its record is visible, so "at once" is observable.
        config.put("certfn.dns.propagation-wait", "2s");
        config.put("certfn.limits.orders-per-caller", "1");
        config.put("certfn.limits.new-certificates-per-hour", "2");
        config.put("certfn.limits.new-certificates-per-registered-domain", "5");
        certfn = CertfnProcess.start(config);
        second = CertfnProcess.start(config);
    }

    /** A fresh store shared by two tenants: the greedy one granted *.team.certfn.test, the other *.certfn.test. */
    private static Map<String, String> tenants(String store) throws java.io.IOException {
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.store.file.path", Files.createTempDirectory(store).toString());
        config.put("certfn.auth.api-keys", "greedy=" + GREEDY + ",other=" + OTHER);
        config.put("certfn.policy", "{\"rules\":[{\"name\":\"team\",\"match\":{\"apiKey\":\"greedy\"},\"domains\":[\"*.team.certfn.test\"]},"
                + "{\"name\":\"other\",\"match\":{\"apiKey\":\"other\"},\"domains\":[\"*.certfn.test\"]}]}");
        return config;
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(certfn, second, stack);
    }

    private static HttpResponse<String> ask(String key, String name, String prefer) throws Exception {
        return ask(certfn, key, name, prefer);
    }

    private static HttpResponse<String> ask(CertfnProcess process, String key, String name, String prefer) throws Exception {
        Map<String, String> headers = new HashMap<>(Map.of("Authorization", "APIKey " + key));
        if (prefer != null) {
            headers.put("Prefer", prefer);
        }
        return process.post("/api/certificate", headers, "{\"domain\":\"" + name + "\"}");
    }

    private static JsonNode tooMany(HttpResponse<String> r, String key) throws Exception {
        assertEquals(429, r.statusCode(), r.body());
        JsonNode problem = JSON.readTree(r.body());
        assertEquals("too_many_requests", problem.path("code").asText());
        assertTrue(problem.path("detail").asText().contains(key), r.body());
        assertTrue(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()) >= 1, r.headers().toString());
        return problem;
    }

    @Test
    void oneCallersOrdersAreCappedAndNewCertificatesLimitedPerHour() throws Exception {
        int before = stack.orderCount();
        assertEquals(202, ask(GREEDY, "a.team.certfn.test", "wait=0").statusCode(), certfn.log());
        // A second order of the same caller while the first runs: refused; joining the running one is not an order.
        tooMany(ask(GREEDY, "b.team.certfn.test", "wait=0"), "certfn.limits.orders-per-caller");
        assertEquals(202, ask(GREEDY, "a.team.certfn.test", "wait=0").statusCode());
        // Someone else is not held up by it.
        HttpResponse<String> other = ask(OTHER, "elsewhere.certfn.test", null);
        assertEquals(200, other.statusCode(), other.body());

        assertEquals(200, ask(GREEDY, "a.team.certfn.test", null).statusCode(), "the first order completes");
        assertEquals(200, ask(GREEDY, "b.team.certfn.test", null).statusCode(), "then the next may start");
        // The third, asked of the other instance: the count is in the store, not in one instance's memory.
        JsonNode third = tooMany(ask(second, GREEDY, "c.team.certfn.test", null), "certfn.limits.new-certificates-per-hour");
        assertTrue(third.path("detail").asText().contains("2 new certificates") && third.path("detail").asText().contains("all instances"),
                third.toString());
        assertEquals(before + 3, stack.orderCount(), "the refused ones reached no CA");

        // What is stored is still served.
        HttpResponse<String> stored = ask(GREEDY, "a.team.certfn.test", null);
        assertEquals(200, stored.statusCode(), stored.body());
        assertTrue(JSON.readTree(stored.body()).path("cached").asBoolean());
    }

    /**
     * The registered domain's quota (certfn.test here: an unlisted TLD counts as a public suffix) is
     * shared by every caller and instance: once it is spent, a caller who ordered nothing is refused
     * too, naming the limit — so the CA's own weekly limit is never reached by certfn.
     */
    @Test
    void aRegisteredDomainsNewCertificatesAreCountedAcrossCallersAndInstances() throws Exception {
        // Two instances of their own on a store of their own: the other test's orders do not count here.
        Map<String, String> config = tenants("certfn-domain-quota");
        config.put("certfn.limits.new-certificates-per-registered-domain", "3");
        try (CertfnProcess one = CertfnProcess.start(config); CertfnProcess two = CertfnProcess.start(config)) {
            assertEquals(200, ask(one, GREEDY, "x.team.certfn.test", null).statusCode());
            assertEquals(200, ask(two, GREEDY, "y.team.certfn.test", null).statusCode());
            assertEquals(200, ask(one, GREEDY, "z.team.certfn.test", null).statusCode());
            int before = stack.orderCount();
            // The tenant who ordered nothing yet is refused: the greedy one spent the domain's quota.
            JsonNode refused = tooMany(ask(two, OTHER, "victim.certfn.test", null), "certfn.limits.new-certificates-per-registered-domain");
            assertTrue(refused.path("detail").asText().contains("registered domain certfn.test"), refused.toString());
            assertEquals(before, stack.orderCount(), "the refused order reached no CA");
            // A stored certificate is still served.
            assertEquals(200, ask(two, GREEDY, "x.team.certfn.test", null).statusCode());
        }
    }
}
