package io.certfn.bench;

import static io.certfn.bench.Rig.JSON;
import static io.certfn.bench.Rig.ROUNDS;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * certfn's benchmarks, run by bench/run.sh ({@code make bench}), one class per section, all on the
 * tests' harness ({@link Rig}). Every figure is a ratio taken side by side in one run and repeated;
 * the median is reported, because this machine is shared and noisy. {@code -Dbench.only=<section>}
 * runs one part and never writes the results file.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        try (Rig rig = new Rig(root)) {
            run(rig);
        }
    }

    private static void run(Rig rig) throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("date", LocalDate.now().toString());
        // The commit measured (bench/run.sh passes it; "uncommitted" when the tree has changes).
        results.put("commit", System.getProperty("bench.commit", "unknown"));
        results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        results.put("rounds", ROUNDS);
        String only = System.getProperty("bench.only", "");
        if (only.isEmpty() || only.equals("warm")) {
            results.put("warmPath", WarmPath.run(rig));
        }
        if (only.isEmpty() || only.equals("cold")) {
            results.put("coldStart", ColdStart.run(rig));
        }
        if (only.isEmpty() || only.equals("fleet")) {
            results.put("fleetAndMemory", FleetAndMemory.run(rig));
        }
        if (only.isEmpty() || only.equals("sweep")) {
            results.put("sweep", Sweep.run(rig));
        }
        if (only.isEmpty() || only.equals("mass")) {
            results.put("massRenewal", MassRenewal.run(rig));
        }
        if (Set.of("warm", "cold", "parallel", "fleet", "sweep", "mass").contains(only)) {
            if (only.equals("parallel")) {
                results.put("parallelIssuance", ParallelIssuance.runSurvivingAWedgedCa(rig));
            }
            System.out.println(JSON.writeValueAsString(results)); // a section alone: the others are skipped
            return;
        }
        if (only.isEmpty()) {
            rig.freshStack(); // not the Pebble that just took the mass renewal's orders (bench/README.md, "Why Pebble stops answering")
            results.put("parallelIssuance", ParallelIssuance.runSurvivingAWedgedCa(rig));
        }
        Map<String, Object> issuance = Issuance.run(rig);
        results.put("issuance", issuance);
        Map<String, Object> stampede = Stampede.run(rig);
        // As runs before 2026-11-23's fifth reported it: against the issuance section's median (another process, another client).
        stampede.put("ratioToIssuanceSectionMedian",
                (Double) stampede.get("timeToLastResponseMedianMs") / (Double) issuance.get("certfnMedianMs"));
        results.put("stampede", stampede);
        if (!only.isEmpty()) {
            System.out.println(JSON.writeValueAsString(results));
            return; // a partial run never overwrites the results file
        }
        // Named by day and commit: two runs of one day on different commits keep both files.
        String commit = String.valueOf(results.get("commit")).replace('+', '-');
        Path out = rig.root.resolve("bench/results/" + LocalDate.now() + "-" + commit + ".json");
        Files.createDirectories(out.getParent());
        JSON.writeValue(out.toFile(), results);
        System.out.println("\nResults written to " + rig.root.relativize(out));
        System.out.println(JSON.writeValueAsString(summary(results)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(Map<String, Object> results) {
        Map<String, Object> warm = (Map<String, Object>) results.get("warmPath");
        Map<String, Object> s = new LinkedHashMap<>();
        for (String path : List.of("apiKey", "rs256", "es256")) {
            Map<String, Object> one = (Map<String, Object>) warm.get(path);
            String goal = path.equals("apiKey") ? "1.0" : "0.9";
            s.put(path + " / healthz throughput, median; worst round (goal: worst >= " + goal + ")",
                    List.of(one.get("throughputRatioToHealthz"), one.get("worstRoundRatioToHealthz")));
        }
        Map<String, Object> cold = (Map<String, Object>) results.get("coldStart");
        s.put("cold start / bare Quarkus (goal <= 1.1)", cold.get("ratio"));
        s.put("cold start with the Cloud Run image's AOT cache / bare Quarkus without (goal <= 0.7)", cold.get("aotCacheRatio"));
        s.put("cold start with the AOT cache / bare Quarkus with the image's JVM flags", cold.get("aotCacheRatioSameFlags"));
        s.put("issuance / plain acme4j (goal <= 1.1)", ((Map<String, Object>) results.get("issuance")).get("ratio"));
        Map<String, Object> issuance = (Map<String, Object>) results.get("issuance");
        if (issuance.get("legoWorstRoundRatio") != null) {
            s.put("issuance through certfn / lego, worst round (goal <= 0.3)", issuance.get("legoWorstRoundRatio"));
        }
        Map<String, Object> parallel = (Map<String, Object>) results.get("parallelIssuance");
        s.put("20 names at once / plain acme4j in parallel (goal <= 1.5)", parallel.get("ratioToPlainAcme4j"));
        s.put("20 names at once on two processes / plain acme4j in parallel (goal <= 1.5)", parallel.get("twoProcessesRatioToPlainAcme4j"));
        s.put("20 names at once / one issuance (goal <= 3)", parallel.get("ratioToOneIssuance"));
        Map<String, Object> fleet = (Map<String, Object>) results.get("fleetAndMemory");
        s.put("cold start, 10 000 stored / one stored (goal <= 1.05)", fleet.get("coldStartRatioToOneStored"));
        s.put("RSS at -Xmx96m after 10 000 requests / bare app (goal <= 1.3)", fleet.get("rssRatioToBareAfter10kRequests"));
        s.put("RSS at -Xmx96m after 10 000 requests and 25 issuances / bare app after its 10 000", fleet.get("rssRatioToBareAfterAlsoIssuing25"));
        for (String store : List.of("file", "s3")) {
            Map<String, Object> sweep = (Map<String, Object>) ((Map<String, Object>) results.get("sweep")).get(store);
            s.put("sweep on " + store + ", 10 000 stored and 10 due / only the 10 stored (goal <= 1.3)", sweep.get("timeRatioToOnlyDue"));
            s.put("sweep on " + store + ", store calls, 10 000 stored / only the 10 stored",
                    List.of(sweep.get("storeCallsPerSweepFleet"), sweep.get("storeCallsPerSweepOnlyDue")));
        }
        Map<String, Object> mass = (Map<String, Object>) results.get("massRenewal");
        s.put("mass renewal of " + mass.get("dueCertificates") + " due / plain acme4j's orders at the same concurrency (goal <= 1.5)",
                mass.get("ratio"));
        s.put("stampede time / one issuance (goal <= 1.5)", ((Map<String, Object>) results.get("stampede")).get("ratio"));
        s.put("stampede time beyond the same burst on a stored certificate / one issuance (no goal)",
                ((Map<String, Object>) results.get("stampede")).get("ratioBeyondCachedBurst"));
        s.put("stampede orders per round (must be 1)", ((Map<String, Object>) results.get("stampede")).get("ordersPerRound"));
        Map<String, Object> large = (Map<String, Object>) ((Map<String, Object>) results.get("stampede")).get("large");
        s.put("stampede of 1 000 / (one issuance + the same burst on a stored certificate) (goal <= 1.5)",
                large.get("ratioToIssuancePlusCachedBurst"));
        s.put("stampede of 1 000, orders per round (must be 1)", large.get("ordersPerRound"));
        return s;
    }
}
