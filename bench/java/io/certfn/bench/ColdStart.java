package io.certfn.bench;

import static io.certfn.bench.Rig.ROUNDS;
import static io.certfn.bench.Rig.median;
import static io.certfn.bench.Rig.ms;
import static io.certfn.bench.Rig.rssMb;

import io.certfn.testing.CertfnProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Process start to first 200 on a stored certificate, next to a bare Quarkus REST app; RSS after start and after
 * 10 000 requests; and the same start of the Cloud Run image's build with its JDK 25 AOT cache ({@link AotCache}).
 */
final class ColdStart {

    private ColdStart() {
    }

    static Map<String, Object> run(Rig rig) throws Exception {
        Path store = WarmPath.store(rig); // holds bench.certfn.test from the warm path
        if (!Files.isDirectory(store.resolve("certs"))) {
            rig.storeOne(store); // run alone (-Dbench.only=cold): else the first round would issue it
        }
        List<Double> bareMs = new ArrayList<>();
        List<Double> certfnMs = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> bareRss = new ArrayList<>();
        List<Double> bareRssAfter = new ArrayList<>();
        List<Double> rssStart = new ArrayList<>();
        List<Double> rssAfter = new ArrayList<>();
        List<Double> bareImageFlagsMs = new ArrayList<>();
        List<Double> aotMs = new ArrayList<>();
        List<Double> aotRatios = new ArrayList<>();
        List<Double> aotSameFlagsRatios = new ArrayList<>();
        Optional<AotCache> aot = AotCache.trained(rig);
        for (int round = 0; round < ROUNDS; round++) {
            int barePort = CertfnProcess.freePort();
            String hello = "http://127.0.0.1:" + barePort + "/hello";
            long t0 = System.nanoTime();
            Process bare = rig.launchBare(List.of(), barePort);
            Rig.awaitOk(() -> Rig.get(hello) / 100 == 2);
            double b = ms(t0);
            bareRss.add(rssMb(bare.pid()));
            for (int i = 0; i < 10_000; i++) {
                if (Rig.get(hello) != 200) {
                    throw new IllegalStateException("bare request " + i + " failed");
                }
            }
            bareRssAfter.add(rssMb(bare.pid()));
            Rig.stop(bare);

            t0 = System.nanoTime();
            CertfnProcess certfn = rig.launchCertfn(store, List.of());
            Rig.awaitOk(() -> Rig.post(certfn, Rig.STORED) / 100 == 2);
            double c = ms(t0);
            rssStart.add(rssMb(certfn.pid()));
            for (int i = 0; i < 10_000; i++) {
                if (Rig.post(certfn, Rig.STORED) != 200) {
                    throw new IllegalStateException("request " + i + " failed");
                }
            }
            rssAfter.add(rssMb(certfn.pid()));
            certfn.close();
            bareMs.add(b);
            certfnMs.add(c);
            ratios.add(c / b);
            if (aot.isPresent()) {
                // The same bare app with the image's JVM flags, so the cache is also compared flag for flag.
                int flagsPort = CertfnProcess.freePort();
                t0 = System.nanoTime();
                Process bareFlags = rig.launchBare(aot.get().imageFlags(), flagsPort);
                Rig.awaitOk(() -> Rig.get("http://127.0.0.1:" + flagsPort + "/hello") / 100 == 2);
                double bf = ms(t0);
                Rig.stop(bareFlags);
                int port = CertfnProcess.freePort();
                t0 = System.nanoTime();
                Process cached = aot.get().launch(rig, store, port);
                Rig.awaitOk(() -> Rig.post(port, Rig.STORED) / 100 == 2);
                double a = ms(t0);
                Rig.stop(cached);
                bareImageFlagsMs.add(bf);
                aotMs.add(a);
                aotRatios.add(a / b);
                aotSameFlagsRatios.add(a / bf);
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("bareQuarkusMs", median(bareMs));
        r.put("certfnMs", median(certfnMs));
        r.put("ratio", median(ratios));
        r.put("bareQuarkusRssMb", median(bareRss));
        r.put("bareQuarkusRssAfter10kRequestsMb", median(bareRssAfter));
        r.put("certfnRssAfterStartMb", median(rssStart));
        r.put("certfnRssAfter10kRequestsMb", median(rssAfter));
        if (aot.isPresent()) {
            // Issue #31's goal: with the image's accelerator, at most 0.7 of the bare app without one.
            r.put("aotCacheJvm", aot.get().java());
            r.put("imageJvmFlags", aot.get().imageFlags());
            r.put("certfnWithAotCacheMs", median(aotMs));
            r.put("bareQuarkusWithImageFlagsMs", median(bareImageFlagsMs));
            r.put("aotCacheRatio", median(aotRatios));
            r.put("aotCacheRatioSameFlags", median(aotSameFlagsRatios));
        }
        r.put("jvm", "default flags, same for both");
        return r;
    }

    /** Process start to the first 200 on the stored bench.certfn.test in {@code store}, with {@code flags}. */
    static double firstAnswerMs(Rig rig, Path store, List<String> flags) throws Exception {
        long t0 = System.nanoTime();
        CertfnProcess certfn = rig.launchCertfn(store, flags);
        Rig.awaitOk(() -> Rig.post(certfn, Rig.STORED) / 100 == 2);
        double ms = ms(t0);
        certfn.close();
        return ms;
    }
}
