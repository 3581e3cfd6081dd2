package io.certfn.bench;

import static io.certfn.bench.Rig.ROUNDS;
import static io.certfn.bench.Rig.WARMUP_ISSUANCES;
import static io.certfn.bench.Rig.median;
import static io.certfn.bench.Rig.ms;

import io.certfn.testing.CertfnProcess;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A new certificate through certfn's API next to the same issuance with plain acme4j, round by round. */
final class Issuance {

    private record Rounds(List<Double> certfnMs, List<Double> plainMs, List<Double> ratios, List<Double> legoMs, List<Double> legoRatios) {
    }

    private Issuance() {
    }

    static Map<String, Object> run(Rig rig) throws Exception {
        CertfnProcess certfn = rig.startCertfn(rig.work.resolve("issuance-store"));
        Rig.mustPost(certfn, "{\"domain\":\"account-warmup.certfn.test\"}"); // account registered once, as plain does
        PlainAcme.Client plain = PlainAcme.Client.start(rig);
        plain.issue("plain-warmup.certfn.test");
        Lego lego = Lego.find(rig);
        if (lego != null) {
            lego.issue("lego-warmup.certfn.test"); // its account registered once
        }
        // Both sides first issue WARMUP_ISSUANCES certificates each, side by side, reported apart: a
        // process's first issuances run mostly interpreted code, and certfn runs more code than acme4j alone.
        Rounds warmup = rounds(certfn, plain, null, "warmup-", WARMUP_ISSUANCES);
        Rounds measured = rounds(certfn, plain, lego, "", 2 * ROUNDS + 1);
        certfn.close();
        plain.stop();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("certfnMedianMs", median(measured.certfnMs()));
        r.put("plainAcme4jMedianMs", median(measured.plainMs()));
        r.put("ratio", median(measured.ratios()));
        r.put("ratioOfMedians", median(measured.certfnMs()) / median(measured.plainMs()));
        r.put("certfnMs", measured.certfnMs());
        r.put("plainAcme4jMs", measured.plainMs());
        if (lego != null) {
            // Issue #31: certfn through its API next to lego, round by round; the goal holds in the worst round.
            r.put("legoMs", measured.legoMs());
            r.put("legoMedianMs", median(measured.legoMs()));
            r.put("legoRatio", median(measured.legoRatios()));
            r.put("legoWorstRoundRatio", measured.legoRatios().stream().mapToDouble(Double::doubleValue).max().orElseThrow());
            r.put("lego", "Debian's lego, --dns rfc2136 --dns.disable-cp, RFC2136_POLLING_INTERVAL=1, one account across rounds");
        }
        r.put("warmupRounds", WARMUP_ISSUANCES);
        r.put("warmupRatio", median(warmup.ratios()));
        r.put("warmupCertfnMs", warmup.certfnMs());
        r.put("warmupPlainAcme4jMs", warmup.plainMs());
        return r;
    }

    /** {@code count} rounds of one new certificate through certfn's API next to one through plain acme4j, and through lego if given. */
    private static Rounds rounds(CertfnProcess certfn, PlainAcme.Client plain, Lego lego, String prefix, int count) throws Exception {
        Rounds rounds = new Rounds(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int round = 0; round < count; round++) {
            long t0 = System.nanoTime();
            Rig.mustPost(certfn, "{\"domain\":\"issue-" + prefix + round + ".certfn.test\"}");
            double c = ms(t0);
            t0 = System.nanoTime();
            plain.issue("plain-" + prefix + round + ".certfn.test");
            double p = ms(t0);
            rounds.certfnMs().add(c);
            rounds.plainMs().add(p);
            rounds.ratios().add(c / p);
            if (lego != null) {
                double l = lego.issue("lego-" + prefix + round + ".certfn.test");
                rounds.legoMs().add(l);
                rounds.legoRatios().add(c / l);
            }
        }
        return rounds;
    }
}
