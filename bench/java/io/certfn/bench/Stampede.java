package io.certfn.bench;

import static io.certfn.bench.Rig.ROUNDS;
import static io.certfn.bench.Rig.WARMUP_ISSUANCES;
import static io.certfn.bench.Rig.median;

import io.certfn.testing.CertfnProcess;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link #BURST} concurrent first requests for one new name over 2 processes sharing a store, next
 * to one first request for another new name sent by the same client to the same processes; then
 * the same with {@link #LARGE_BURST} requests.
 */
final class Stampede {

    static final int BURST = Integer.getInteger("bench.burst", 100);
    /** Requests of issue #19's goal 5 stampede. */
    static final int LARGE_BURST = Integer.getInteger("bench.large-burst", 1000);
    /** Bursts of stored answers each stampede process serves before the rounds (discarded), for the JIT. */
    static final int WARMUP_BURSTS = Integer.getInteger("bench.warmup-bursts", 10);
    /** Seconds of wrk load (kept, then new connections) on each stampede process before the rounds. */
    static final int WARMUP_WRK_SECONDS = Integer.getInteger("bench.warmup-wrk-seconds", 2);

    private final Rig rig;
    private final CurlBurst curl;

    private Stampede(Rig rig) {
        this.rig = rig;
        this.curl = new CurlBurst(rig.work);
    }

    static Map<String, Object> run(Rig rig) throws Exception {
        return new Stampede(rig).run();
    }

    private Map<String, Object> run() throws Exception {
        Path store = rig.work.resolve("stampede-store");
        CertfnProcess a = rig.startCertfn(store);
        CertfnProcess b = rig.startCertfn(store);
        // Both processes warm, as a serving instance is: each has issued (ACME session, TLS, the
        // order's code), served stored answers under load from wrk, over kept and over new
        // connections, and bursts from curl (JIT), all discarded.
        for (int i = 0; i < WARMUP_ISSUANCES; i++) {
            curl.send(List.of(i % 2 == 0 ? a : b), 1, "{\"domain\":\"stampede-warmup-" + i + ".certfn.test\"}", "stampede-warmup-" + i);
        }
        Wrk wrk = new Wrk(rig.work);
        for (CertfnProcess process : List.of(a, b)) {
            for (boolean close : new boolean[] {false, true}) {
                wrk.run(process.url("/api/certificate"), wrk.post(Rig.API_KEY, "stampede-warmup-0.certfn.test", close), WARMUP_WRK_SECONDS);
            }
        }
        for (int i = 0; i < WARMUP_BURSTS; i++) {
            curl.send(List.of(a, b), BURST, "{\"domain\":\"stampede-warmup-0.certfn.test\"}", "stampede-warmup-burst-" + i);
        }
        Map<String, Object> r = rounds(a, b, BURST, "stampede");
        // Issue #19's goal 5: a thousand requests, over the same two processes (one warm-up burst of stored answers first).
        curl.send(List.of(a, b), LARGE_BURST, "{\"domain\":\"stampede-warmup-0.certfn.test\"}", "stampede-warmup-large");
        r.put("large", rounds(a, b, LARGE_BURST, "stampede-large"));
        a.close();
        b.close();
        return r;
    }

    /** Rounds of {@code requests} concurrent first requests for a new name over {@code a} and {@code b}, each next to one issuance. */
    private Map<String, Object> rounds(CertfnProcess a, CertfnProcess b, int requests, String tag) throws Exception {
        List<Double> times = new ArrayList<>();
        List<Double> single = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Integer> orders = new ArrayList<>();
        List<Double> slowestRequest = new ArrayList<>();
        List<Double> lag = new ArrayList<>();
        List<Double> cachedBurst = new ArrayList<>();
        List<Double> beyondBurst = new ArrayList<>();
        List<Double> toIssuancePlusBurst = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            // One issuance, the same way: curl, one request, to one of the two processes.
            double one = curl.send(List.of(round % 2 == 0 ? a : b), 1, "{\"domain\":\"single-" + tag + round + ".certfn.test\"}",
                    "single-" + tag + round).ms();
            String body = "{\"domain\":\"" + tag + "-" + round + ".certfn.test\"}";
            int before = rig.orderCount();
            if (Boolean.getBoolean("bench.trace")) {
                System.out.println(tag + " round " + round + " starts at " + LocalTime.now());
            }
            CurlBurst.Burst burst = curl.send(List.of(a, b), requests, body, tag + "-" + round);
            orders.add(rig.orderCount() - before);
            // The same burst once the certificate is stored: what the requests cost without the order.
            double cached = curl.send(List.of(a, b), requests, body, tag + "-" + round + "-cached").ms();
            single.add(one);
            times.add(burst.ms());
            ratios.add(burst.ms() / one);
            slowestRequest.add(burst.slowestMs());
            lag.add(burst.lastResponseLagMs());
            cachedBurst.add(cached);
            beyondBurst.add((burst.ms() - cached) / one);
            toIssuancePlusBurst.add(burst.ms() / (one + cached));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("requests", requests);
        r.put("ordersPerRound", orders);
        r.put("timeToLastResponseMs", times);
        r.put("singleIssuanceMs", single);
        r.put("client", CurlBurst.clients(requests) + " curl --parallel --parallel-max " + Math.min(requests, CurlBurst.CURL_PARALLEL_MAX)
                + ", half the requests to each process; the single issuance is one curl request to one of them");
        r.put("slowestRequestMs", slowestRequest);
        r.put("lastResponseLagBetweenProcessesMs", lag);
        r.put("cachedBurstMs", cachedBurst);
        r.put("timeToLastResponseMedianMs", median(times));
        r.put("singleIssuanceMedianMs", median(single));
        r.put("cachedBurstMedianMs", median(cachedBurst));
        r.put("ratio", median(ratios));
        // Issue #19's goal 5: against one issuance plus the same burst on a stored certificate.
        r.put("ratioToIssuancePlusCachedBurst", median(toIssuancePlusBurst));
        // Not a goal's measure: what the order adds to a burst that costs this much without one.
        r.put("ratioBeyondCachedBurst", median(beyondBurst));
        return r;
    }
}
