package io.certfn.bench;

import static io.certfn.bench.Rig.JSON;
import static io.certfn.bench.Rig.ms;

import com.fasterxml.jackson.databind.JsonNode;
import io.certfn.testing.CertfnProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CA's mass revocation: {@link #MASS} stored certificates all due at once, renewed by one sweep
 * {@link #CONCURRENCY} at a time ({@code certfn.renewal.concurrency}), next to plain acme4j making
 * the same number of orders at the same concurrency, against the same Pebble and DNS server.
 */
final class MassRenewal {

    static final int MASS = Integer.getInteger("bench.mass", 2000);
    static final int CONCURRENCY = Integer.getInteger("bench.mass-concurrency", 4);

    private MassRenewal() {
    }

    static Map<String, Object> run(Rig rig) throws Exception {
        // Each side on a Pebble of its own: Pebble 2.4 can deadlock once it holds thousands of authorizations
        // (bench/README.md, "Why Pebble stops answering"), and both sides then start equal.
        rig.freshStack();
        Path store = rig.work.resolve("mass-store");
        rig.storeOne(store);
        // Written as certfn's saves write them (storage id from the names, due-index entry), due a minute ago.
        List<String> names = FleetAndMemory.writeFleet(store, MASS, Optional.of(Instant.now().minusSeconds(60)));
        CertfnProcess certfn = rig.startCertfn(store, Map.of("certfn.renewal.concurrency", String.valueOf(CONCURRENCY),
                "certfn.renewal.sweep-budget", "3600s", "certfn.renewal.sweep-interval", "0s"));
        long t0 = System.nanoTime();
        HttpResponse<String> swept = Rig.HTTP.send(Rig.request(certfn.url("/api/renewals"), Rig.API_KEY, "", Duration.ofHours(1)),
                HttpResponse.BodyHandlers.ofString());
        double certfnMs = ms(t0);
        certfn.close();
        if (swept.statusCode() != 200) {
            throw new IllegalStateException("the mass sweep answered " + swept.statusCode() + ": " + swept.body());
        }
        JsonNode report = JSON.readTree(swept.body());
        if (report.path("renewed").asInt() < names.size()) {
            throw new IllegalStateException("the mass sweep renewed " + report.path("renewed").asInt() + " of " + names.size() + ": "
                    + swept.body());
        }

        rig.freshStack();
        PlainAcme.Client plain = PlainAcme.Client.start(rig);
        plain.issue("plain-mass-warmup.certfn.test");
        List<String> plainNames = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            plainNames.add(String.format("plainmass%06d.certfn.test", i));
        }
        t0 = System.nanoTime();
        plain.issueConcurrently(CONCURRENCY, plainNames);
        double plainMs = ms(t0);
        plain.stop();

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("dueCertificates", names.size());
        r.put("concurrency", CONCURRENCY);
        r.put("certfnSweepMs", certfnMs);
        r.put("plainAcme4jMs", plainMs);
        r.put("ratio", certfnMs / plainMs);
        r.put("report", Map.of("renewed", report.path("renewed").asInt(), "failed", report.path("failed").asInt(),
                "deferred", report.path("deferred").asInt()));
        r.put("method", "one POST /api/renewals over a store where all are due (written as certfn's saves write them), "
                + "certfn.renewal.concurrency=" + CONCURRENCY + "; plain acme4j: the same number of new orders, " + CONCURRENCY
                + " threads with a session each, in its own warmed JVM; one round (it is long)");
        return r;
    }
}
