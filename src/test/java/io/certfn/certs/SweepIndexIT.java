package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.TestStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A sweep reads what is due, not what is stored: over a store of 300 certificates the first sweep
 * (a store an earlier release wrote, without the due index) reads them all and builds the index;
 * the next reads only the one made due, counted by certfn's own store metrics.
 */
class SweepIndexIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "ops-sweep-index-key-0123456789";
    private static final int FLEET = 300;

    @Test
    void aSweepReadsWhatIsDueNotWhatIsStored() throws Exception {
        Path store = Files.createTempDirectory("certfn-sweep-index");
        try (AcmeStack stack = AcmeStack.start(Map.of())) {
            Map<String, String> config = new HashMap<>(stack.certfnConfig());
            config.put("certfn.store.file.path", store.toString());
            config.put("certfn.auth.api-keys", "ops=" + KEY);
            config.put("certfn.policy", "{\"rules\":[{\"name\":\"ops\",\"match\":{\"apiKey\":\"ops\"},\"domains\":[\"*\"]}]}");
            config.put("certfn.renewal.sweep-interval", "0s");
            try (CertfnProcess certfn = CertfnProcess.start(config)) {
                for (String name : new String[] {"due.index.certfn.test", "fresh.index.certfn.test"}) {
                    assertEquals(200, certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + name + "\"}").statusCode());
                }
            }
            // What a release before the index left: certificates without entries, and no index marker.
            Path stored;
            try (var files = Files.walk(store.resolve("certs"))) {
                stored = files.filter(f -> f.getFileName().toString().equals("certificate.json")).findFirst().orElseThrow();
            }
            for (int i = 0; i < FLEET; i++) {
                Path copy = store.resolve("certs").resolve(String.format("fleet%04d", i)).resolve("certificate.json");
                Files.createDirectories(copy.getParent());
                Files.copy(stored, copy);
            }
            try (var files = Files.walk(store)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    if (f.getFileName().toString().equals("due-index.json") || store.relativize(f).startsWith("due")) {
                        Files.delete(f);
                    }
                }
            }

            try (CertfnProcess certfn = CertfnProcess.start(config)) {
                double before = gets(certfn);
                JsonNode first = sweep(certfn);
                assertEquals(FLEET + 2, first.path("checked").asInt(), "the first sweep reads every stored certificate: " + first);
                assertTrue(gets(certfn) - before >= FLEET, "and reads each of them");

                String serial = TestStore.serial(store, "due.index.certfn.test");
                TestStore.makeDue(store, "due.index.certfn.test");
                before = gets(certfn);
                JsonNode second = sweep(certfn);
                double reads = gets(certfn) - before;
                assertEquals(1, second.path("checked").asInt(), second.toString());
                assertEquals(1, second.path("renewed").asInt(), second.toString());
                assertNotEquals(serial, TestStore.serial(store, "due.index.certfn.test"));
                // The due certificate, its renewal's looks (lease, checkpoint, failure record, store), the index: not the fleet.
                assertTrue(reads < 30, "store reads of the second sweep: " + reads + " for " + (FLEET + 2) + " stored");

                before = gets(certfn);
                JsonNode third = sweep(certfn);
                assertEquals(0, third.path("checked").asInt(), "the renewed certificate's old entry is gone: " + third);
                assertTrue(gets(certfn) - before <= 3, "nothing due, next to nothing read");
            }
        }
    }

    private static JsonNode sweep(CertfnProcess certfn) throws Exception {
        HttpResponse<String> r = certfn.post("/api/renewals", "APIKey " + KEY, "");
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** certfn's store reads so far ({@code certfn_store_calls_seconds_count{op="get"}}). */
    private static double gets(CertfnProcess certfn) throws Exception {
        String metrics = certfn.get("/q/metrics").body();
        Matcher m = Pattern.compile("^certfn_store_calls_seconds_count\\{[^}]*op=\"get\"[^}]*\\} (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
