package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.store.ObjectStore;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.Await;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.stores.StoreServer;
import io.certfn.testing.stores.Stores;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Several certfn processes sharing one store are one cluster: one ACME order per certificate,
 * proven by counting the orders Pebble created, and a crashed lease holder costs one lease
 * expiry, not the certificate. Each subclass runs this against one real backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClusterContract {

    private static final String KEY = "cluster-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private final String type;
    private AcmeStack stack;
    private StoreServer server;
    private String prefix;
    private ObjectStore store;

    ClusterContract(String type) {
        this.type = type;
    }

    @BeforeAll
    void startStack() {
        // Pebble rejects a fifth of nonces: acme4j must retry them.
        stack = AcmeStack.start(Map.of("STACK_NONCE_REJECT", "20"));
        server = Stores.start(type);
    }

    @AfterAll
    void stopStack() {
        stack.close();
        server.close();
    }

    @BeforeEach
    void freshPrefix() {
        prefix = "cluster" + PREFIXES.incrementAndGet();
        store = server.backend(prefix);
    }

    private Map<String, String> config(String... extra) {
        Map<String, String> base = new HashMap<>(stack.certfnConfig());
        base.putAll(server.certfnConfig(prefix));
        base.put("certfn.auth.api-keys", "cluster=" + KEY);
        base.put("certfn.store.encryption-key", "bm90LWEtcmVhbC1rZXktYnV0LTMyLWJ5dGVzLWxvbmc=");
        return CertfnProcess.config(base, extra);
    }

    @Test
    void twentyConcurrentRequestsOnTwoProcessesMakeOneOrder() throws Exception {
        try (CertfnProcess a = CertfnProcess.start(config()); CertfnProcess b = CertfnProcess.start(config())) {
            int before = stack.orderCount();
            String body = "{\"domain\":\"stampede.certfn.test\"}";
            ExecutorService pool = Executors.newFixedThreadPool(20);
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                CertfnProcess target = i % 2 == 0 ? a : b;
                calls.add(pool.submit(() -> target.post("/api/certificate", "APIKey " + KEY, body)));
            }
            Set<String> serials = new HashSet<>();
            for (Future<HttpResponse<String>> call : calls) {
                HttpResponse<String> r = call.get();
                assertEquals(200, r.statusCode(), r.body() + "\nA:\n" + a.log() + "\nB:\n" + b.log());
                serials.add(JSON.readTree(r.body()).path("serial").asText());
            }
            pool.shutdown();
            assertEquals(1, serials.size(), "all 20 got the same certificate");
            assertEquals(before + 1, stack.orderCount(), "exactly one ACME order");
            String audit = "event=issued caller=apiKey:cluster names=stampede.certfn.test serial=" + serials.iterator().next();
            assertEquals(1, count(a.log() + b.log(), audit), "one audit line for the one issuance");
        }
    }

    @Test
    void killingTheLeaseHolderMidOrderLetsTheOtherFinishAfterExpiry() throws Exception {
        String body = "{\"domain\":\"crash.certfn.test\"}";
        // A waits after publishing its TXT record, so it is surely mid-order when killed.
        CertfnProcess a = CertfnProcess.start(config("certfn.lease.duration", "2s", "certfn.dns.propagation-wait", "30s"));
        int before = stack.orderCount();
        CompletableFuture<HttpResponse<String>> doomed = CompletableFuture.supplyAsync(() -> {
            try {
                return a.post("/api/certificate", "APIKey " + KEY, body);
            } catch (Exception e) {
                return null;
            }
        });
        awaitKey("/lease", Duration.ofSeconds(20));
        awaitKey("/order.json", Duration.ofSeconds(20));
        a.kill();
        doomed.join();

        try (CertfnProcess b = CertfnProcess.start(config("certfn.lease.duration", "2s"))) {
            Instant start = Instant.now();
            HttpResponse<String> r = b.post("/api/certificate", "APIKey " + KEY, body);
            assertEquals(200, r.statusCode(), r.body() + "\n" + b.log());
            JsonNode cert = JSON.readTree(r.body());
            assertEquals("crash.certfn.test", cert.path("domain").asText());
            assertEquals(before + 1, stack.orderCount(), "B resumed A's order instead of making another");
            assertTrue(b.log().contains("Resuming ACME order"), b.log());
            assertTrue(Duration.between(start, Instant.now()).toMillis() < 60_000);
            assertTrue(store.list("certs/").stream().noneMatch(k -> k.endsWith("/order.json") || k.endsWith("/lease")),
                    "no checkpoint or lease left behind: " + store.list(""));
        }
    }

    /**
     * docs/design.md §5 fencing, as it happens on a function host: A is frozen mid-order (its TXT record
     * published, waiting before the trigger), B takes the expired lease over and resumes the
     * order, and A is thawed while B still works. A must stop at its next side effect (no
     * trigger, no finalize, no DNS or store write), and serve what B stores.
     */
    @Test
    void aLeaseHolderFrozenMidOrderAndThawedAfterATakeoverLeavesTheOrderToTheNewHolder() throws Exception {
        String name = "frozen.certfn.test";
        String body = "{\"domain\":\"" + name + "\"}";
        try (CertfnProcess a = CertfnProcess.start(config("certfn.lease.duration", "2s", "certfn.dns.propagation-wait", "3s"));
                CertfnProcess b = CertfnProcess.start(config("certfn.lease.duration", "2s", "certfn.dns.propagation-wait", "10s"))) {
            int before = stack.orderCount();
            CompletableFuture<HttpResponse<String>> fromA = postAsync(a, body);
            awaitKey("/order.json", Duration.ofSeconds(30));
            await(() -> !stack.txt("_acme-challenge." + name).isEmpty(), "A published its TXT record", a);
            a.freeze();
            Instant frozen = Instant.now();
            CompletableFuture<HttpResponse<String>> fromB = postAsync(b, body);
            await(() -> b.log().contains("Resuming ACME order"), "B took the expired lease over and resumed A's order", b);
            // Thawed after its own wait is over, A would trigger and finalize at once, while B waits.
            await(() -> Duration.between(frozen, Instant.now()).toSeconds() >= 3, "A's propagation wait is over", a);
            a.thaw();

            HttpResponse<String> answerA = fromA.get(90, java.util.concurrent.TimeUnit.SECONDS);
            HttpResponse<String> answerB = fromB.get(90, java.util.concurrent.TimeUnit.SECONDS);
            String logs = "\nA:\n" + a.log() + "\nB:\n" + b.log();
            assertEquals(200, answerB.statusCode(), answerB.body() + logs);
            assertEquals(200, answerA.statusCode(), answerA.body() + logs);
            String serial = JSON.readTree(answerB.body()).path("serial").asText();
            assertEquals(serial, JSON.readTree(answerA.body()).path("serial").asText(), "A serves B's certificate" + logs);
            assertEquals(before + 1, stack.orderCount(), "one order, made by A and finished by B" + logs);
            assertTrue(a.log().contains("Order for ") && a.log().contains("stopped, its lease lost"), "A stopped" + logs);
            assertEquals(0, count(a.log(), "event=issued"), "A stored nothing" + logs);
            assertEquals(1, count(b.log(), "event=issued caller=apiKey:cluster names=" + name + " serial=" + serial), logs);
            assertFalse(b.log().contains("written by another instance"), "nobody wrote under B's lease" + logs);
            assertTrue(store.list("certs/").stream().noneMatch(k -> k.endsWith("/order.json") || k.endsWith("/lease")),
                    "no checkpoint or lease left behind: " + store.list(""));
        }
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(CertfnProcess target, String body) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return target.post("/api/certificate", "APIKey " + KEY, body);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void await(Await.Condition condition, String what, CertfnProcess process) throws InterruptedException {
        Await.atMost(Duration.ofSeconds(60)).until(what, condition, process::log);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private void awaitKey(String suffix, Duration timeout) throws Exception {
        Await.atMost(timeout).every(Duration.ofMillis(50)).until(suffix + " in the store",
                () -> store.list("certs/").stream().anyMatch(k -> k.endsWith(suffix)), () -> String.valueOf(store.list("")));
    }
}
