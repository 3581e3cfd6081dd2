package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.TestStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A CA's mass revocation makes many certificates due at once: one sweep renews them
 * {@code certfn.renewal.concurrency} at a time, never more, the earliest expiring first. Each
 * order here waits 2 s after its record is visible, so orders that run at once overlap plainly.
 */
class SweepConcurrencyIT {

    private static final String KEY = "sweep-concurrency-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CREATED = Pattern.compile("^(\\S+ \\S+) .*Created ACME order \\S+ for \\[(mass-\\d\\.certfn\\.test)\\]$",
            Pattern.MULTILINE);
    private static final Pattern ISSUED = Pattern.compile("^(\\S+ \\S+) .*event=(?:issued|renewed) caller=\\S+ names=(mass-\\d\\.certfn\\.test) ",
            Pattern.MULTILINE);
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    @Test
    void dueCertificatesAreRenewedAFewAtOnceEarliestExpiryFirst() throws Exception {
        Path store = Files.createTempDirectory("certfn-sweep-concurrency");
        try (AcmeStack stack = AcmeStack.start(Map.of())) {
            Map<String, String> config = new HashMap<>(stack.certfnConfig());
            config.put("certfn.store.file.path", store.toString());
            config.put("certfn.auth.api-keys", "ops=" + KEY);
            config.put("certfn.renewal.sweep-interval", "0s");
            config.put("certfn.store.cache-ttl", "0s");
            List<String> names = new ArrayList<>();
            try (CertfnProcess issuing = CertfnProcess.start(config)) {
                for (int i = 0; i < 6; i++) {
                    names.add("mass-" + i + ".certfn.test");
                    HttpResponse<String> r = issuing.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + names.get(i) + "\"}");
                    assertEquals(200, r.statusCode(), r.body() + issuing.log());
                    Thread.sleep(1_100); // notAfter has a resolution of a second: each expires after the one before
                }
            }
            // As after a mass revocation: all due at once, the one issued first expiring first.
            for (String name : List.of(names.get(5), names.get(3), names.get(1), names.get(4), names.get(0), names.get(2))) {
                TestStore.makeDue(store, name);
            }
            config.put("certfn.renewal.concurrency", "3");
            config.put("certfn.dns.propagation-wait", "2s");
            try (CertfnProcess sweeping = CertfnProcess.start(config)) {
                HttpResponse<String> r = sweeping.post("/api/renewals", "APIKey " + KEY, "");
                assertEquals(200, r.statusCode(), r.body() + sweeping.log());
                JsonNode report = JSON.readTree(r.body());
                assertEquals(6, report.path("renewed").asInt(), report + sweeping.log());

                List<String[]> created = matches(CREATED, sweeping.log());
                assertEquals(6, created.size(), sweeping.log());
                Set<String> firstThree = Set.of(created.get(0)[1], created.get(1)[1], created.get(2)[1]);
                assertEquals(Set.of(names.get(0), names.get(1), names.get(2)), firstThree,
                        "the three expiring first were ordered first: " + created.stream().map(c -> c[1]).toList());
                int most = mostAtOnce(created, matches(ISSUED, sweeping.log()));
                assertTrue(most >= 2 && most <= 3, "at most certfn.renewal.concurrency (3) orders at once, and more than one: " + most);
            }
        }
    }

    private static List<String[]> matches(Pattern pattern, String log) {
        List<String[]> found = new ArrayList<>();
        Matcher m = pattern.matcher(log);
        while (m.find()) {
            found.add(new String[] {m.group(1), m.group(2)});
        }
        return found;
    }

    /** The most orders running at the same moment: from each name's "Created ACME order" to its audit line (event=renewed). */
    private static int mostAtOnce(List<String[]> created, List<String[]> issued) {
        Map<String, LocalDateTime> end = new HashMap<>();
        issued.forEach(i -> end.put(i[1], LocalDateTime.parse(i[0], LOG_TIME)));
        int most = 0;
        for (String[] c : created) {
            LocalDateTime at = LocalDateTime.parse(c[0], LOG_TIME);
            int running = 0;
            for (String[] other : created) {
                LocalDateTime start = LocalDateTime.parse(other[0], LOG_TIME);
                if (!start.isAfter(at) && end.get(other[1]).isAfter(at)) {
                    running++;
                }
            }
            most = Math.max(most, running);
        }
        return most;
    }
}
