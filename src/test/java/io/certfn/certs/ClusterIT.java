package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several certfn processes sharing one store folder are one cluster: one ACME order per
 * certificate, proven by counting the orders Pebble created, and a crashed lease holder costs one
 * lease expiry, not the certificate.
 */
class ClusterIT {

    private static final String KEY = "cluster-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static AcmeStack stack;

    @TempDir
    Path store;

    @BeforeAll
    static void startStack() {
        // Pebble rejects a fifth of nonces: acme4j must retry them.
        stack = AcmeStack.start(Map.of("STACK_NONCE_REJECT", "20"));
    }

    @AfterAll
    static void stopStack() {
        stack.close();
    }

    private Map<String, String> config(String... extra) {
        Map<String, String> base = CertfnProcess.config(stack.certfnConfig(),
                "certfn.store.file.path", store.toString(),
                "certfn.auth.api-keys", "cluster=" + KEY);
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
        Path lease = awaitFile("lease", Duration.ofSeconds(20));
        awaitFile("order.json", Duration.ofSeconds(20));
        assertTrue(Files.exists(lease));
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
            try (Stream<Path> left = Files.walk(store)) {
                assertTrue(left.noneMatch(p -> p.getFileName().toString().equals("order.json")
                        || p.getFileName().toString().equals("lease")), "no checkpoint or lease left behind");
            }
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private Path awaitFile(String name, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try (Stream<Path> files = Files.walk(store)) {
                var found = files.filter(p -> p.getFileName().toString().equals(name)).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " never appeared in the store");
    }
}
