package io.certfn.bench;

import static io.certfn.bench.Rig.JSON;
import static io.certfn.bench.Rig.ROUNDS;
import static io.certfn.bench.Rig.median;
import static io.certfn.bench.Rig.ms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certfn.certs.CertificateRepository;
import io.certfn.store.ChecksummedStore;
import io.certfn.store.ObjectStore;
import io.certfn.store.Versioned;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.stores.StoreServer;
import io.certfn.testing.stores.Stores;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A renewal sweep over {@link FleetAndMemory#FLEET} stored certificates of which {@link #DUE} are due,
 * next to a sweep over a store holding only those {@link #DUE}, round by round, on the file store
 * and on S3 (moto, through certfn's own S3 backend), both started as the tests start them
 * ({@link Stores}): time, and store calls counted by certfn's own metrics.
 */
final class Sweep {

    static final int DUE = Integer.getInteger("bench.due", 10);
    private static final Pattern STORE_CALLS = Pattern.compile("^certfn_store_calls_seconds_count\\{[^}]*\\} (\\S+)$", Pattern.MULTILINE);

    /** A store certfn is pointed at: its settings, and certfn's own backend for it (the bench writes through it as certfn's saves do). */
    private record StoreTarget(String name, Map<String, String> config, ObjectStore backend) {
        static StoreTarget of(String name, StoreServer server, String prefix) {
            return new StoreTarget(name, server.certfnConfig(prefix), server.backend(prefix));
        }
    }

    /** One sweep: how long it took, the store calls it made, the certificates it renewed. */
    private record Swept(double ms, double storeCalls, int renewed) {
    }

    private final Rig rig;

    private Sweep(Rig rig) {
        this.rig = rig;
    }

    static Map<String, Object> run(Rig rig) throws Exception {
        Sweep sweep = new Sweep(rig);
        Map<String, Object> r = new LinkedHashMap<>();
        try (StoreServer folder = Stores.start("file")) {
            r.put("file", sweep.on(StoreTarget.of("file", folder, "fleet"), StoreTarget.of("file", folder, "only-due"), false));
        }
        try (StoreServer moto = Stores.start("s3")) {
            // 20 000 reads on moto would take minutes: the fleet is written with its index marked built, as a store certfn wrote from the start.
            r.put("s3", sweep.on(StoreTarget.of("s3 (moto)", moto, "fleet"), StoreTarget.of("s3 (moto)", moto, "only-due"), true));
        }
        return r;
    }

    /**
     * The due ones are made due again before each round (their {@code renewAfter} moved to the past
     * and their due-index entry written, as certfn's saves do).
     */
    private Map<String, Object> on(StoreTarget fleet, StoreTarget onlyDue, boolean indexBuilt) throws Exception {
        List<String> fleetDue = seedDue(fleet, "sweepfleet");
        List<String> onlyDueIds = seedDue(onlyDue, "sweeponly");
        // The rest of the fleet: copies of one stored certificate, each with its due-index entry, as certfn's saves write them.
        long seedStart = System.nanoTime();
        String seedKey = "certs/" + fleetDue.get(0) + "/certificate.json";
        byte[] seed = fleet.backend().get(seedKey).orElseThrow().data();
        ObjectStore checksummed = new ChecksummedStore(fleet.backend(), Clock.systemUTC());
        Instant next = Instant.parse(JSON.readTree(checksummed.get(seedKey).orElseThrow().data()).path("renewAfter").asText());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> writes = new ArrayList<>();
        for (int i = DUE; i < FleetAndMemory.FLEET; i++) {
            String id = String.format("fleet%06d", i);
            writes.add(pool.submit(() -> {
                checksummed.putIfAbsent(CertificateRepository.dueKey(id, next), new byte[0]);
                return fleet.backend().putIfAbsent("certs/" + id + "/certificate.json", seed);
            }));
        }
        for (var write : writes) {
            write.get();
        }
        pool.shutdown();
        if (indexBuilt) { // else the first sweep reads every certificate once and builds it (reported apart)
            checksummed.putIfAbsent(CertificateRepository.DUE_INDEX_BUILT, JSON.writeValueAsBytes(Map.of("builtAt", Instant.now().toString())));
        }
        double fillMs = ms(seedStart);
        Map<String, String> sweeping = Map.of("certfn.renewal.sweep-interval", "0s", "certfn.renewal.sweep-budget", "600s");
        CertfnProcess a = rig.startCertfn(rig.work.resolve("unused"), with(sweeping, fleet.config()));
        CertfnProcess b = rig.startCertfn(rig.work.resolve("unused"), with(sweeping, onlyDue.config()));
        Swept first = timedSweep(a);
        sweepOnce(b);
        List<Double> fleetMs = new ArrayList<>();
        List<Double> onlyMs = new ArrayList<>();
        List<Double> fleetCalls = new ArrayList<>();
        List<Double> onlyCalls = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int round = -1; round < ROUNDS; round++) { // round -1: warm-up, discarded
            makeDue(fleet.backend(), fleetDue);
            makeDue(onlyDue.backend(), onlyDueIds);
            Swept sa = timedSweep(a);
            Swept sb = timedSweep(b);
            if (sa.renewed() != DUE || sb.renewed() != DUE) {
                throw new IllegalStateException("a sweep on " + fleet.name() + " renewed " + sa.renewed() + " and " + sb.renewed() + " of " + DUE);
            }
            if (round >= 0) {
                fleetMs.add(sa.ms());
                onlyMs.add(sb.ms());
                fleetCalls.add(sa.storeCalls());
                onlyCalls.add(sb.storeCalls());
                ratios.add(sa.ms() / sb.ms());
            }
        }
        a.close();
        b.close();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("store", fleet.name());
        r.put("storedCertificates", FleetAndMemory.FLEET);
        r.put("due", DUE);
        r.put("timeRatioToOnlyDue", median(ratios));
        r.put("storeCallsPerSweepFleet", fleetCalls);
        r.put("storeCallsPerSweepOnlyDue", onlyCalls);
        r.put("sweepFleetMs", fleetMs);
        r.put("sweepOnlyDueMs", onlyMs);
        r.put(indexBuilt ? "firstSweepMs" : "firstSweepBuildingTheIndexMs", first.ms());
        r.put(indexBuilt ? "firstSweepStoreCalls" : "firstSweepBuildingTheIndexStoreCalls", first.storeCalls());
        r.put("fleetWrittenMs", fillMs);
        return r;
    }

    private static Map<String, String> with(Map<String, String> base, Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(base);
        all.putAll(more);
        return all;
    }

    /** A store holding {@link #DUE} new certificates; their storage ids. */
    private List<String> seedDue(StoreTarget store, String prefix) throws Exception {
        CertfnProcess certfn = rig.startCertfn(rig.work.resolve("unused"), store.config());
        for (int i = 0; i < DUE; i++) {
            Rig.mustPost(certfn, "{\"domain\":\"" + prefix + i + ".certfn.test\"}");
        }
        certfn.close();
        return store.backend().list("certs/").stream().filter(k -> k.endsWith("/certificate.json"))
                .map(k -> k.substring("certs/".length(), k.length() - "/certificate.json".length())).sorted().toList();
    }

    /** What certfn's own saves do for a certificate that became due: its renewAfter in the past, and the due index naming it. */
    private static void makeDue(ObjectStore backend, List<String> ids) throws Exception {
        ObjectStore store = new ChecksummedStore(backend, Clock.systemUTC());
        Instant due = Instant.now().minusSeconds(60);
        for (String id : ids) {
            String key = "certs/" + id + "/certificate.json";
            Versioned current = store.get(key).orElseThrow();
            ObjectNode json = (ObjectNode) JSON.readTree(current.data());
            json.put("renewAfter", due.toString());
            store.putIfAbsent(CertificateRepository.dueKey(id, due), new byte[0]);
            store.putIfVersion(key, JSON.writeValueAsBytes(json), current.version()).orElseThrow();
        }
    }

    private static Swept timedSweep(CertfnProcess certfn) throws Exception {
        double calls = storeCalls(certfn);
        long t0 = System.nanoTime();
        int renewed = sweepOnce(certfn);
        double ms = ms(t0);
        return new Swept(ms, storeCalls(certfn) - calls, renewed);
    }

    /** One sweep; the number renewed. */
    private static int sweepOnce(CertfnProcess certfn) throws Exception {
        HttpResponse<String> r = certfn.post("/api/renewals", Rig.API_KEY, "");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("sweep answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("renewed").asInt();
    }

    /** Every store call the process made so far (certfn_store_calls_seconds_count, all operations). */
    private static double storeCalls(CertfnProcess certfn) throws Exception {
        String metrics = Rig.HTTP.send(HttpRequest.newBuilder(URI.create(certfn.url("/q/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = STORE_CALLS.matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
