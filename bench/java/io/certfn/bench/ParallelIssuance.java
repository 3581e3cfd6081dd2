package io.certfn.bench;

import static io.certfn.bench.Rig.ROUNDS;
import static io.certfn.bench.Rig.WARMUP_ISSUANCES;
import static io.certfn.bench.Rig.median;
import static io.certfn.bench.Rig.ms;

import io.certfn.testing.CertfnProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@link #PARALLEL} distinct new names sent at once to one process, and split over two sharing a
 * store, next to the same orders made by plain acme4j in parallel (one session each) and to one
 * issuance alone, round by round.
 */
final class ParallelIssuance {

    static final int PARALLEL = Integer.getInteger("bench.parallel", 20);

    /** Rounds run again after a failed request before the section gives up. */
    private static final int MAX_REPEATS = 3;

    private ParallelIssuance() {
    }

    /**
     * The section, run again from the start on a new Pebble and DNS server (and a new store) when a round
     * failed even after {@link #MAX_REPEATS} repeats: Pebble sometimes stops answering for good after a few
     * thousand orders (bench/README.md), which no repeated round survives. At most twice; each new start is
     * listed in {@code sectionRunAgainOnAFreshStack}, and the wedged Pebble's goroutines are kept for a look.
     */
    static Map<String, Object> runSurvivingAWedgedCa(Rig rig) throws Exception {
        List<String> restarts = new ArrayList<>();
        for (int attempt = 0;; attempt++) {
            try {
                Map<String, Object> r = run(rig, rig.work.resolve("parallel-store-" + attempt));
                r.put("sectionRunAgainOnAFreshStack", restarts);
                return r;
            } catch (IllegalStateException failed) {
                if (attempt == 2) {
                    throw failed;
                }
                String first = failed.getMessage().lines().findFirst().orElse("");
                restarts.add(first.substring(0, Math.min(first.length(), 300)) + " (Pebble's goroutines: " + dumpCa(rig) + ")");
                rig.freshStack();
            }
        }
    }

    /**
     * Pebble's goroutines, asked for with SIGQUIT (Go prints them and exits), kept under target/ with the rest
     * of its log; where they went, or why not. For a Pebble that stopped answering: whether it waits on a lock
     * of its own or for the client (bench/README.md).
     */
    private static String dumpCa(Rig rig) {
        try {
            Rig.exec(List.of("kill", "-QUIT", Files.readString(rig.stack.dir().resolve("pebble/pid")).strip()));
            Thread.sleep(1000);
            Path kept = rig.root.resolve("target/bench-pebble-" + System.currentTimeMillis() + ".log");
            Files.createDirectories(kept.getParent());
            Files.copy(Path.of(rig.stack.get("PEBBLE_LOG")), kept);
            return kept.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "not kept: interrupted";
        } catch (Exception e) {
            return "not kept: " + e; // a Pebble already gone, say: the section starts again all the same
        }
    }

    private static Map<String, Object> run(Rig rig, Path store) throws Exception {
        try (CertfnProcess one = rig.startCertfn(store);
             CertfnProcess two = rig.startCertfn(store);
             PlainAcme.Client plain = PlainAcme.Client.start(rig)) {
            return rounds(one, two, plain);
        }
    }

    private static Map<String, Object> rounds(CertfnProcess one, CertfnProcess two, PlainAcme.Client plain) throws Exception {
        Rig.mustPost(one, "{\"domain\":\"parallel-account.certfn.test\"}");
        plain.issue("plain-parallel-warmup.certfn.test");
        List<Double> alone = new ArrayList<>();
        List<Double> oneProcess = new ArrayList<>();
        List<Double> twoProcesses = new ArrayList<>();
        List<Double> plainParallel = new ArrayList<>();
        List<Double> toPlain = new ArrayList<>();
        List<Double> toAlone = new ArrayList<>();
        List<Double> twoToPlain = new ArrayList<>();
        List<String> repeated = new ArrayList<>();
        for (int round = -WARMUP_ISSUANCES; round < ROUNDS; round++) { // negative rounds: warm-up, discarded
            String tag = (round < 0 ? "w" + -round : "r" + round) + (repeated.isEmpty() ? "" : "x" + repeated.size());
            try {
                long t0 = System.nanoTime();
                Rig.mustPost(one, "{\"domain\":\"alone-" + tag + ".certfn.test\"}");
                double a = ms(t0);
                double c = burst(List.of(one), "par-" + tag);
                double c2 = burst(List.of(one, two), "par2-" + tag);
                List<String> names = new ArrayList<>();
                for (int i = 0; i < PARALLEL; i++) {
                    names.add("plainpar-" + tag + "-" + i + ".certfn.test");
                }
                t0 = System.nanoTime();
                plain.issueAtOnce(names);
                double p = ms(t0);
                if (round >= 0) {
                    alone.add(a);
                    oneProcess.add(c);
                    twoProcesses.add(c2);
                    plainParallel.add(p);
                    toPlain.add(c / p);
                    toAlone.add(c / a);
                    twoToPlain.add(c2 / p);
                }
            } catch (IllegalStateException failed) {
                // Pebble has stopped answering the requests already sent on open connections for the
                // clients' 30 s time-out, in a burst, to certfn and to plain acme4j alike (bench/README.md):
                // such a round is run again with new names and reported, rather than losing the run.
                if (repeated.size() >= MAX_REPEATS) {
                    throw failed;
                }
                repeated.add(tag + ": " + failed.getMessage().lines().findFirst().orElse("").replaceAll("(\\S+\\.certfn\\.test,)+", "…,"));
                round--;
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("names", PARALLEL);
        r.put("ratioToPlainAcme4j", median(toPlain));
        r.put("ratioToOneIssuance", median(toAlone));
        r.put("twoProcessesRatioToPlainAcme4j", median(twoToPlain));
        r.put("certfnOneProcessMs", oneProcess);
        r.put("certfnTwoProcessesMs", twoProcesses);
        r.put("plainAcme4jMs", plainParallel);
        r.put("oneIssuanceMs", alone);
        r.put("warmupRounds", WARMUP_ISSUANCES);
        r.put("roundsRunAgain", repeated);
        return r;
    }

    /** {@link #PARALLEL} distinct new names sent at the same moment, spread over {@code processes}; ms until the last 200. */
    static double burst(List<CertfnProcess> processes, String prefix) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < PARALLEL; i++) {
            CertfnProcess target = processes.get(i % processes.size());
            answers.add(Rig.HTTP.sendAsync(Rig.request(target.url("/api/certificate"), Rig.API_KEY,
                    "{\"domain\":\"" + prefix + "-" + i + ".certfn.test\"}"), HttpResponse.BodyHandlers.ofString()));
        }
        for (var answer : answers) {
            HttpResponse<String> response = answer.get();
            if (response.statusCode() != 200) {
                throw new IllegalStateException("parallel issuance answered " + response.statusCode() + ": " + response.body());
            }
        }
        return ms(t0);
    }
}
