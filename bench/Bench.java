// certfn's benchmarks, run by bench/run.sh (`make bench`) as a single-file Java program with
// certfn's runtime jars on the class path. Every figure is a ratio taken side by side in one run
// and repeated; the median is reported, because this machine is shared and noisy.

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

public class Bench {

    static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    static final int WRK_SECONDS = Integer.getInteger("bench.seconds", 4);
    static final int BURST = Integer.getInteger("bench.burst", 100);
    /** Issuances each side makes before the measured rounds (reported apart). */
    static final int WARMUP_ISSUANCES = Integer.getInteger("bench.warmup-issuances", 5);
    /** Bursts of stored answers each stampede process serves before the rounds (discarded), for the JIT. */
    static final int WARMUP_BURSTS = Integer.getInteger("bench.warmup-bursts", 10);
    /** Seconds of wrk load (kept, then new connections) on each stampede process before the rounds. */
    static final int WARMUP_WRK_SECONDS = Integer.getInteger("bench.warmup-wrk-seconds", 2);
    static final String KEY = "bench-key-0123456789abcdef";
    static final String AUDIENCE = "https://certfn.bench";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final Path root;
    final Path work;
    final Map<String, String> stack = new LinkedHashMap<>();
    final List<Process> processes = new ArrayList<>();
    HttpServer issuer;
    PublicJsonWebKey rsaKey;
    PublicJsonWebKey ecKey;

    Bench(Path root) throws IOException {
        this.root = root;
        this.work = Files.createTempDirectory("certfn-bench");
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--plain-acme4j")) {
            PlainAcme.serve(Path.of(args[1]));
            return;
        }
        Bench bench = new Bench(Path.of(args[0]).toAbsolutePath());
        try {
            bench.run();
        } finally {
            bench.close();
        }
    }

    void run() throws Exception {
        startStack();
        startIssuer();
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
            results.put("warmPath", warmPath());
        }
        if (only.isEmpty() || only.equals("cold")) {
            results.put("coldStart", coldStart());
        }
        if (only.isEmpty() || only.equals("fleet")) {
            results.put("fleetAndMemory", fleetAndMemory());
        }
        if (only.isEmpty() || only.equals("sweep")) {
            results.put("sweep", sweep());
        }
        if (Set.of("warm", "cold", "parallel", "fleet", "sweep").contains(only)) {
            System.out.println(JSON.writeValueAsString(results)); // a section alone: the others are skipped
            return;
        }
        if (only.isEmpty() || only.equals("parallel")) {
            results.put("parallelIssuance", parallelIssuance());
        }
        Map<String, Object> issuance = issuance();
        results.put("issuance", issuance);
        Map<String, Object> stampede = stampede();
        // As runs before 2026-11-23's fifth reported it: against the issuance section's median (another process, another client).
        stampede.put("ratioToIssuanceSectionMedian",
                (Double) stampede.get("timeToLastResponseMedianMs") / (Double) issuance.get("certfnMedianMs"));
        results.put("stampede", stampede);
        if (!only.isEmpty()) {
            System.out.println(JSON.writeValueAsString(results));
            return; // a partial run never overwrites the results file
        }
        Path out = root.resolve("bench/results/" + LocalDate.now() + ".json");
        Files.createDirectories(out.getParent());
        JSON.writeValue(out.toFile(), results);
        System.out.println("\nResults written to " + root.relativize(out));
        System.out.println(JSON.writeValueAsString(summary(results)));
    }

    // ---------------------------------------------------------------- warm path

    /** Throughput and latency of the cached path next to /healthz, with wrk from another process. */
    Map<String, Object> warmPath() throws Exception {
        Path store = work.resolve("warm-store");
        Certfn certfn = startCertfn(store);
        mustPost(certfn, "APIKey " + KEY, "{\"domain\":\"bench.certfn.test\"}");
        String rs = token(rsaKey, "RS256");
        String es = token(ecKey, "ES256");
        Map<String, Path> scripts = new LinkedHashMap<>();
        scripts.put("healthz", null);
        scripts.put("apiKey", luaPost("APIKey " + KEY));
        scripts.put("rs256", luaPost("Bearer " + rs));
        scripts.put("es256", luaPost("Bearer " + es));
        for (Map.Entry<String, Path> s : scripts.entrySet()) { // JIT warm-up of every path, discarded
            wrk(s.getValue() == null ? certfn.url("/healthz") : certfn.url("/api/certificate"), s.getValue(), 5);
        }
        Map<String, List<Map<String, Double>>> runs = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (Map.Entry<String, Path> s : scripts.entrySet()) {
                String url = s.getValue() == null ? certfn.url("/healthz") : certfn.url("/api/certificate");
                wrk(url, s.getValue(), 1); // warm-up, discarded
                runs.computeIfAbsent(s.getKey(), k -> new ArrayList<>()).add(wrk(url, s.getValue(), WRK_SECONDS));
            }
        }
        certfn.stop();
        Map<String, Object> result = new LinkedHashMap<>();
        for (String scenario : scripts.keySet()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("requestsPerSecond", median(runs.get(scenario), "rps"));
            r.put("p50Ms", median(runs.get(scenario), "p50"));
            r.put("p99Ms", median(runs.get(scenario), "p99"));
            if (!scenario.equals("healthz")) {
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < ROUNDS; i++) {
                    ratios.add(runs.get(scenario).get(i).get("rps") / runs.get("healthz").get(i).get("rps"));
                }
                r.put("throughputRatioToHealthz", median(ratios));
            }
            result.put(scenario, r);
        }
        result.put("wrk", "-t1 -c16 -d" + WRK_SECONDS + "s; 5 s warm-up per path, then 1 s before each run, discarded; "
                + ROUNDS + " interleaved rounds");
        return result;
    }

    Path luaPost(String authorization) throws IOException {
        return luaPost(authorization, "bench.certfn.test", false);
    }

    /** A wrk script POSTing a request for {@code domain}; with {@code close}, one connection per request. */
    Path luaPost(String authorization, String domain, boolean close) throws IOException {
        Path script = Files.createTempFile(work, "post", ".lua");
        Files.writeString(script, "wrk.method = \"POST\"\n"
                + "wrk.body = '{\"domain\":\"" + domain + "\"}'\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                + "wrk.headers[\"Authorization\"] = \"" + authorization + "\"\n"
                + (close ? "wrk.headers[\"Connection\"] = \"close\"\n" : ""));
        return script;
    }

    static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

    Map<String, Double> wrk(String url, Path script, int seconds) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t1", "-c16", "-d" + seconds + "s", "--latency"));
        if (script != null) {
            cmd.addAll(List.of("-s", script.toString()));
        }
        cmd.add(url);
        String out = exec(cmd);
        if (out.contains("Non-2xx or 3xx responses")) {
            throw new IllegalStateException("benchmark requests failed:\n" + out);
        }
        Map<String, Double> r = new LinkedHashMap<>();
        Matcher m = RPS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no wrk result:\n" + out);
        }
        r.put("rps", Double.parseDouble(m.group(1)));
        Matcher p = Pattern.compile("^\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE).matcher(out);
        while (p.find()) {
            double value = Double.parseDouble(p.group(2));
            double ms = switch (p.group(3)) {
                case "us" -> value / 1000;
                case "s" -> value * 1000;
                default -> value;
            };
            r.put("p" + p.group(1), ms);
        }
        return r;
    }

    // ---------------------------------------------------------------- cold start

    /** Process start to first 200 on a cached certificate, next to a bare Quarkus REST app. */
    Map<String, Object> coldStart() throws Exception {
        Path store = work.resolve("warm-store"); // holds bench.certfn.test from the warm path
        Path bare = root.resolve("bench/bare-app/target/quarkus-app/quarkus-run.jar");
        List<Double> bareMs = new ArrayList<>();
        List<Double> certfnMs = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> bareRss = new ArrayList<>();
        List<Double> bareRssAfter = new ArrayList<>();
        List<Double> rssStart = new ArrayList<>();
        List<Double> rssAfter = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            int barePort = freePort();
            long t0 = System.nanoTime();
            Process p = launch(List.of(java(), "-jar", bare.toString()), Map.of("QUARKUS_HTTP_PORT", String.valueOf(barePort)));
            awaitOk(() -> get("http://127.0.0.1:" + barePort + "/hello"));
            double b = (System.nanoTime() - t0) / 1e6;
            bareRss.add(rssMb(p));
            for (int i = 0; i < 10_000; i++) {
                if (get("http://127.0.0.1:" + barePort + "/hello") != 200) {
                    throw new IllegalStateException("bare request " + i + " failed");
                }
            }
            bareRssAfter.add(rssMb(p));
            stop(p);

            int certfnPort = freePort();
            t0 = System.nanoTime();
            p = launch(certfnCommand(), certfnEnv(store, certfnPort));
            awaitOk(() -> post("http://127.0.0.1:" + certfnPort + "/api/certificate", "APIKey " + KEY, "{\"domain\":\"bench.certfn.test\"}"));
            double c = (System.nanoTime() - t0) / 1e6;
            rssStart.add(rssMb(p));
            for (int i = 0; i < 10_000; i++) {
                if (post("http://127.0.0.1:" + certfnPort + "/api/certificate", "APIKey " + KEY, "{\"domain\":\"bench.certfn.test\"}") != 200) {
                    throw new IllegalStateException("request " + i + " failed");
                }
            }
            rssAfter.add(rssMb(p));
            stop(p);
            bareMs.add(b);
            certfnMs.add(c);
            ratios.add(c / b);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("bareQuarkusMs", median(bareMs));
        r.put("certfnMs", median(certfnMs));
        r.put("ratio", median(ratios));
        r.put("bareQuarkusRssMb", median(bareRss));
        r.put("bareQuarkusRssAfter10kRequestsMb", median(bareRssAfter));
        r.put("certfnRssAfterStartMb", median(rssStart));
        r.put("certfnRssAfter10kRequestsMb", median(rssAfter));
        r.put("jvm", "default flags, same for both");
        return r;
    }

    static double rssMb(Process p) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- a fleet, a small function

    static final int FLEET = Integer.getInteger("bench.fleet", 10_000);
    static final String SMALL_HEAP = System.getProperty("bench.small-heap", "-Xmx96m");

    /**
     * Cold start with {@link #FLEET} stored certificates next to one, round by round; then certfn and
     * the bare app both under {@link #SMALL_HEAP} (a 256 MB function): RSS after 10 000 requests, and
     * issuances and the warm path working at that heap.
     */
    Map<String, Object> fleetAndMemory() throws Exception {
        Path one = work.resolve("fleet-one");
        Certfn seed = startCertfn(one);
        mustPost(seed, "APIKey " + KEY, "{\"domain\":\"bench.certfn.test\"}");
        seed.stop();
        Path fleet = work.resolve("fleet-many");
        copyTree(one, fleet);
        List<String> fleetNames = writeFleet(fleet, FLEET - 1);
        List<Double> oneMs = new ArrayList<>();
        List<Double> fleetMs = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            double a = firstAnswerMs(one, List.of());
            double b = firstAnswerMs(fleet, List.of());
            oneMs.add(a);
            fleetMs.add(b);
            ratios.add(b / a);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("storedCertificates", FLEET);
        r.put("coldStartRatioToOneStored", median(ratios));
        r.put("coldStartFleetMs", fleetMs);
        r.put("coldStartOneStoredMs", oneMs);

        List<Double> bareRss = new ArrayList<>();
        List<Double> certfnRss = new ArrayList<>();
        List<Double> rssRatios = new ArrayList<>();
        List<Double> fleetRss = new ArrayList<>();
        Path bare = root.resolve("bench/bare-app/target/quarkus-app/quarkus-run.jar");
        for (int round = 0; round < Math.min(ROUNDS, 3); round++) {
            int barePort = freePort();
            Process p = launch(List.of(java(), SMALL_HEAP, "-jar", bare.toString()), Map.of("QUARKUS_HTTP_PORT", String.valueOf(barePort)));
            awaitOk(() -> get("http://127.0.0.1:" + barePort + "/hello"));
            for (int i = 0; i < 10_000; i++) {
                get("http://127.0.0.1:" + barePort + "/hello");
            }
            double b = rssMb(p);
            stop(p);
            int port = freePort();
            p = launch(certfnCommand(List.of(SMALL_HEAP)), certfnEnv(fleet, port));
            awaitOk(() -> post("http://127.0.0.1:" + port + "/api/certificate", "APIKey " + KEY, "{\"domain\":\"bench.certfn.test\"}"));
            for (int i = 0; i < 10_000; i++) {
                if (post("http://127.0.0.1:" + port + "/api/certificate", "APIKey " + KEY, "{\"domain\":\"bench.certfn.test\"}") != 200) {
                    throw new IllegalStateException("request " + i + " failed at " + SMALL_HEAP);
                }
            }
            // Issuances at the small heap too: 20 new names at once, then 5 one after another.
            Certfn small = new Certfn(p, port);
            burst(List.of(small), "smallheap-" + round);
            for (int i = 0; i < 5; i++) {
                mustPost(small, "APIKey " + KEY, "{\"domain\":\"smallheap-" + round + "-seq" + i + ".certfn.test\"}");
            }
            double c = rssMb(p);
            // A fleet at that heap: every stored certificate asked for once (each a store read, a cache entry, a rendered answer).
            for (String name : fleetNames) {
                if (post("http://127.0.0.1:" + port + "/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + name + "\"}") != 200) {
                    throw new IllegalStateException(name + " failed at " + SMALL_HEAP);
                }
            }
            for (String name : fleetNames.subList(0, Math.min(1000, fleetNames.size()))) { // and again: served from the caches
                if (post("http://127.0.0.1:" + port + "/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + name + "\"}") != 200) {
                    throw new IllegalStateException(name + " failed again at " + SMALL_HEAP);
                }
            }
            fleetRss.add(rssMb(p));
            stop(p);
            bareRss.add(b);
            certfnRss.add(c);
            rssRatios.add(c / b);
        }
        r.put("smallHeap", SMALL_HEAP);
        r.put("rssRatioToBareAfter10kRequests", median(rssRatios));
        r.put("certfnRssMb", certfnRss);
        r.put("bareQuarkusRssMb", bareRss);
        r.put("certfnRssAfterServingTheFleetMb", fleetRss);
        r.put("smallHeapRuns", "10 000 cached answers, 20 new names at once and 5 one after another, then each of the "
                + fleetNames.size() + " other stored certificates once and 1 000 of them again, all 200, in each round");
        return r;
    }

    /**
     * Adds {@code count} certificates to the file store at {@code dir}, each for a name of its own
     * (fleetNNNNNN.certfn.test), written as certfn's saves write them: the stored certificate of
     * bench.certfn.test with its names changed, under the storage id certfn derives from the
     * names, with its due-index entry. Their names.
     */
    static List<String> writeFleet(Path dir, int count) throws Exception {
        io.certfn.store.ObjectStore store = new io.certfn.store.ChecksummedStore(new io.certfn.store.file.FileObjectStore(dir),
                java.time.Clock.systemUTC());
        String seedKey = store.list("certs/").stream().filter(k -> k.endsWith("/certificate.json")).findFirst().orElseThrow();
        com.fasterxml.jackson.databind.node.ObjectNode seed = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
                store.get(seedKey).orElseThrow().data());
        Instant next = Instant.parse(seed.path("renewAfter").asText());
        io.certfn.crypto.KeyType keyType = io.certfn.crypto.KeyType.parse(seed.path("keyType").asText());
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = String.format("fleet%06d.certfn.test", i);
            String id = new io.certfn.certs.CertificateSpec(List.of(name), keyType, Optional.empty(), Optional.empty()).storageId();
            seed.set("names", JSON.createArrayNode().add(name));
            store.putIfAbsent(io.certfn.certs.CertificateRepository.dueKey(id, next), new byte[0]);
            store.putIfAbsent("certs/" + id + "/certificate.json", JSON.writeValueAsBytes(seed));
            names.add(name);
        }
        return names;
    }

    static final int DUE = Integer.getInteger("bench.due", 10);

    /**
     * The sweep on each store the issue names: the file store and S3 (moto, certfn's own S3
     * backend). Each: {@link #sweepOn}.
     */
    Map<String, Object> sweep() throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("file", sweepOn(fileTarget(work.resolve("sweep-fleet")), fileTarget(work.resolve("sweep-only-due")), false));
        try (Moto moto = Moto.start(root, work)) {
            // 20 000 reads on moto would take minutes: the fleet is written with its index marked built, as a store certfn wrote from the start.
            r.put("s3", sweepOn(moto.target("fleet"), moto.target("only-due"), true));
        }
        return r;
    }

    /**
     * A store certfn is pointed at: its environment, and certfn's own backend for it (the bench
     * writes the fleet and makes certificates due through it, as certfn's saves do).
     */
    record StoreTarget(String name, Map<String, String> env, io.certfn.store.ObjectStore backend) {
    }

    static StoreTarget fileTarget(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new StoreTarget("file", Map.of("CERTFN_STORE_FILE_PATH", dir.toString()), new io.certfn.store.file.FileObjectStore(dir));
    }

    /** moto 5 (src/test/moto/moto_serialized.py, as the tests run it), one bucket, a prefix per store. */
    record Moto(Process process, int port, software.amazon.awssdk.services.s3.S3Client s3) implements AutoCloseable {
        static final String BUCKET = "certfn-bench";

        static Moto start(Path root, Path work) throws Exception {
            int port = freePort();
            Process p = new ProcessBuilder("python3", root.resolve("src/test/moto/moto_serialized.py").toString(), "127.0.0.1",
                    String.valueOf(port)).redirectErrorStream(true).redirectOutput(work.resolve("moto.log").toFile()).start();
            awaitOk(() -> get("http://127.0.0.1:" + port + "/moto-api/"));
            var s3 = software.amazon.awssdk.services.s3.S3Client.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + port))
                    .region(software.amazon.awssdk.regions.Region.US_EAST_1).forcePathStyle(true)
                    .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test-secret")))
                    .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build();
            s3.createBucket(b -> b.bucket(BUCKET));
            return new Moto(p, port, s3);
        }

        StoreTarget target(String prefix) {
            return new StoreTarget("s3 (moto)", Map.of("CERTFN_STORE_TYPE", "s3", "CERTFN_STORE_S3_BUCKET", BUCKET,
                    "CERTFN_STORE_S3_ENDPOINT", "http://127.0.0.1:" + port, "CERTFN_STORE_S3_REGION", "us-east-1",
                    "CERTFN_STORE_S3_PREFIX", prefix, "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test-secret"),
                    new io.certfn.store.s3.S3ObjectStore(s3, BUCKET, io.certfn.store.KeyPrefix.of(Optional.of(prefix), "bench")));
        }

        @Override
        public void close() throws Exception {
            s3.close();
            Bench.stop(process);
        }
    }

    /**
     * A renewal sweep over {@link #FLEET} stored certificates of which {@link #DUE} are due, next to a
     * sweep over a store holding only those {@link #DUE}, round by round: time, and store calls
     * counted by certfn's own metrics. The due ones are made due again before each round (their
     * {@code renewAfter} moved to the past and their due-index entry written, as certfn's saves do).
     */
    Map<String, Object> sweepOn(StoreTarget fleet, StoreTarget onlyDue, boolean indexBuilt) throws Exception {
        List<String> fleetDue = seedDue(fleet, "sweepfleet");
        List<String> onlyDueIds = seedDue(onlyDue, "sweeponly");
        // The rest of the fleet: copies of one stored certificate, each with its due-index entry, as certfn's saves write them.
        long seedStart = System.nanoTime();
        String seedKey = "certs/" + fleetDue.get(0) + "/certificate.json";
        byte[] seed = fleet.backend().get(seedKey).orElseThrow().data();
        io.certfn.store.ObjectStore checksummed = new io.certfn.store.ChecksummedStore(fleet.backend(), java.time.Clock.systemUTC());
        Instant next = Instant.parse(JSON.readTree(checksummed.get(seedKey).orElseThrow().data()).path("renewAfter").asText());
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<?>> writes = new ArrayList<>();
        for (int i = DUE; i < FLEET; i++) {
            String id = String.format("fleet%06d", i);
            writes.add(pool.submit(() -> {
                checksummed.putIfAbsent(io.certfn.certs.CertificateRepository.dueKey(id, next), new byte[0]);
                return fleet.backend().putIfAbsent("certs/" + id + "/certificate.json", seed);
            }));
        }
        for (var write : writes) {
            write.get();
        }
        pool.shutdown();
        if (indexBuilt) { // else the first sweep reads every certificate once and builds it (reported apart)
            checksummed.putIfAbsent(io.certfn.certs.CertificateRepository.DUE_INDEX_BUILT,
                    JSON.writeValueAsBytes(Map.of("builtAt", Instant.now().toString())));
        }
        double fillMs = (System.nanoTime() - seedStart) / 1e6;
        Map<String, String> extra = new LinkedHashMap<>(Map.of("CERTFN_RENEWAL_SWEEP_INTERVAL", "0s", "CERTFN_RENEWAL_SWEEP_BUDGET", "600s"));
        Map<String, String> fleetEnv = new LinkedHashMap<>(extra);
        fleetEnv.putAll(fleet.env());
        Map<String, String> onlyEnv = new LinkedHashMap<>(extra);
        onlyEnv.putAll(onlyDue.env());
        Certfn a = startCertfn(work.resolve("unused"), fleetEnv);
        Certfn b = startCertfn(work.resolve("unused"), onlyEnv);
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
        a.stop();
        b.stop();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("store", fleet.name());
        r.put("storedCertificates", FLEET);
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

    /** A store holding {@link #DUE} new certificates; their storage ids. */
    List<String> seedDue(StoreTarget store, String prefix) throws Exception {
        Certfn certfn = startCertfn(work.resolve("unused"), store.env());
        for (int i = 0; i < DUE; i++) {
            mustPost(certfn, "APIKey " + KEY, "{\"domain\":\"" + prefix + i + ".certfn.test\"}");
        }
        certfn.stop();
        return store.backend().list("certs/").stream().filter(k -> k.endsWith("/certificate.json"))
                .map(k -> k.substring("certs/".length(), k.length() - "/certificate.json".length())).sorted().toList();
    }

    /** What certfn's own saves do for a certificate that became due: its renewAfter in the past, and the due index naming it. */
    static void makeDue(io.certfn.store.ObjectStore backend, List<String> ids) throws Exception {
        io.certfn.store.ObjectStore store = new io.certfn.store.ChecksummedStore(backend, java.time.Clock.systemUTC());
        Instant due = Instant.now().minusSeconds(60);
        for (String id : ids) {
            String key = "certs/" + id + "/certificate.json";
            io.certfn.store.Versioned current = store.get(key).orElseThrow();
            com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(current.data());
            json.put("renewAfter", due.toString());
            store.putIfAbsent(io.certfn.certs.CertificateRepository.dueKey(id, due), new byte[0]);
            store.putIfVersion(key, JSON.writeValueAsBytes(json), current.version()).orElseThrow();
        }
    }

    /** One sweep: how long it took, the store calls it made, the certificates it renewed. */
    record Swept(double ms, double storeCalls, int renewed) {
    }

    Swept timedSweep(Certfn certfn) throws Exception {
        double calls = storeCalls(certfn);
        long t0 = System.nanoTime();
        int renewed = sweepOnce(certfn);
        double ms = (System.nanoTime() - t0) / 1e6;
        return new Swept(ms, storeCalls(certfn) - calls, renewed);
    }

    /** One sweep; the number renewed. */
    int sweepOnce(Certfn certfn) throws Exception {
        HttpResponse<String> r = HTTP.send(request(certfn.url("/api/renewals"), "APIKey " + KEY, ""), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("sweep answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("renewed").asInt();
    }

    /** Every store call the process made so far (certfn_store_calls_seconds_count, all operations). */
    static double storeCalls(Certfn certfn) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(certfn.url("/q/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("^certfn_store_calls_seconds_count\\{[^}]*\\} (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    /** Process start to the first 200 on the stored bench.certfn.test, with {@code flags}. */
    double firstAnswerMs(Path store, List<String> flags) throws Exception {
        int port = freePort();
        long t0 = System.nanoTime();
        Process p = launch(certfnCommand(flags), certfnEnv(store, port));
        awaitOk(() -> post("http://127.0.0.1:" + port + "/api/certificate", "APIKey " + KEY, "{\"domain\":\"bench.certfn.test\"}"));
        double ms = (System.nanoTime() - t0) / 1e6;
        stop(p);
        return ms;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.getFileName().toString().equals("lease")) {
                    Files.copy(f, target);
                }
            }
        }
    }

    // ---------------------------------------------------------------- issuance

    /** A new certificate through certfn's API next to the same issuance with plain acme4j. */
    Map<String, Object> issuance() throws Exception {
        Certfn certfn = startCertfn(work.resolve("issuance-store"));
        mustPost(certfn, "APIKey " + KEY, "{\"domain\":\"account-warmup.certfn.test\"}"); // account registered once, as plain does
        PlainProcess plain = startPlain();
        plain.issue("plain-warmup.certfn.test");
        // Both sides first issue WARMUP_ISSUANCES certificates each, side by side, reported apart: a
        // process's first issuances run mostly interpreted code, and certfn runs more code than acme4j alone.
        Rounds warmup = issuanceRounds(certfn, plain, "warmup-", WARMUP_ISSUANCES);
        Rounds measured = issuanceRounds(certfn, plain, "", 2 * ROUNDS + 1);
        certfn.stop();
        plain.stop();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("certfnMedianMs", median(measured.certfnMs()));
        r.put("plainAcme4jMedianMs", median(measured.plainMs()));
        r.put("ratio", median(measured.ratios()));
        r.put("ratioOfMedians", median(measured.certfnMs()) / median(measured.plainMs()));
        r.put("certfnMs", measured.certfnMs());
        r.put("plainAcme4jMs", measured.plainMs());
        r.put("warmupRounds", WARMUP_ISSUANCES);
        r.put("warmupRatio", median(warmup.ratios()));
        r.put("warmupCertfnMs", warmup.certfnMs());
        r.put("warmupPlainAcme4jMs", warmup.plainMs());
        return r;
    }

    record Rounds(List<Double> certfnMs, List<Double> plainMs, List<Double> ratios) {
    }

    // ---------------------------------------------------------------- parallel issuance

    static final int PARALLEL = Integer.getInteger("bench.parallel", 20);

    /**
     * {@link #PARALLEL} distinct new names sent at once to one process, and split over two sharing a
     * store, next to the same orders made by plain acme4j in parallel (one session each) and to one
     * issuance alone, round by round.
     */
    Map<String, Object> parallelIssuance() throws Exception {
        Path store = work.resolve("parallel-store");
        Certfn one = startCertfn(store);
        Certfn two = startCertfn(store);
        mustPost(one, "APIKey " + KEY, "{\"domain\":\"parallel-account.certfn.test\"}");
        PlainProcess plain = startPlain();
        plain.issue("plain-parallel-warmup.certfn.test");
        List<Double> alone = new ArrayList<>();
        List<Double> oneProcess = new ArrayList<>();
        List<Double> twoProcesses = new ArrayList<>();
        List<Double> plainParallel = new ArrayList<>();
        List<Double> toPlain = new ArrayList<>();
        List<Double> toAlone = new ArrayList<>();
        List<Double> twoToPlain = new ArrayList<>();
        for (int round = -WARMUP_ISSUANCES; round < ROUNDS; round++) { // negative rounds: warm-up, discarded
            String tag = (round < 0 ? "w" + -round : "r" + round);
            long t0 = System.nanoTime();
            mustPost(one, "APIKey " + KEY, "{\"domain\":\"alone-" + tag + ".certfn.test\"}");
            double a = (System.nanoTime() - t0) / 1e6;
            double c = burst(List.of(one), "par-" + tag);
            double c2 = burst(List.of(one, two), "par2-" + tag);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                names.add("plainpar-" + tag + "-" + i + ".certfn.test");
            }
            t0 = System.nanoTime();
            plain.issueAtOnce(names);
            double p = (System.nanoTime() - t0) / 1e6;
            if (round >= 0) {
                alone.add(a);
                oneProcess.add(c);
                twoProcesses.add(c2);
                plainParallel.add(p);
                toPlain.add(c / p);
                toAlone.add(c / a);
                twoToPlain.add(c2 / p);
            }
        }
        one.stop();
        two.stop();
        plain.stop();
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
        return r;
    }

    /** {@link #PARALLEL} distinct new names sent at the same moment, spread over {@code processes}; ms until the last 200. */
    double burst(List<Certfn> processes, String prefix) throws Exception {
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < PARALLEL; i++) {
            Certfn target = processes.get(i % processes.size());
            answers.add(HTTP.sendAsync(request(target.url("/api/certificate"), "APIKey " + KEY,
                    "{\"domain\":\"" + prefix + "-" + i + ".certfn.test\"}"), HttpResponse.BodyHandlers.ofString()));
        }
        for (var answer : answers) {
            HttpResponse<String> response = answer.get();
            if (response.statusCode() != 200) {
                throw new IllegalStateException("parallel issuance answered " + response.statusCode() + ": " + response.body());
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    /** {@code count} rounds of one new certificate through certfn's API next to one through plain acme4j. */
    Rounds issuanceRounds(Certfn certfn, PlainProcess plain, String prefix, int count) throws Exception {
        Rounds rounds = new Rounds(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int round = 0; round < count; round++) {
            long t0 = System.nanoTime();
            mustPost(certfn, "APIKey " + KEY, "{\"domain\":\"issue-" + prefix + round + ".certfn.test\"}");
            double c = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            plain.issue("plain-" + prefix + round + ".certfn.test");
            double p = (System.nanoTime() - t0) / 1e6;
            rounds.certfnMs().add(c);
            rounds.plainMs().add(p);
            rounds.ratios().add(c / p);
        }
        return rounds;
    }

    /**
     * Plain acme4j in a JVM of its own, started for this section as certfn's process is: a JVM that
     * earlier sections warmed (this one sent them 100 000 requests) would compare warm code with cold.
     */
    record PlainProcess(Process process, java.io.BufferedWriter commands, java.io.BufferedReader answers) {
        void issue(String domain) throws IOException {
            commands.write(domain);
            commands.newLine();
            commands.flush();
            String answer = answers.readLine();
            if (!"ok".equals(answer)) {
                throw new IllegalStateException("plain acme4j failed for " + domain + ": " + answer);
            }
        }

        /** The names ordered at the same moment, each on a session of its own. */
        void issueAtOnce(List<String> domains) throws IOException {
            issue("parallel " + String.join(",", domains));
        }

        void stop() throws Exception {
            commands.close();
            Bench.stop(process);
        }
    }

    PlainProcess startPlain() throws Exception {
        Path env = work.resolve("stack/stack.env");
        Process p = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                root.resolve("bench/Bench.java").toString(), "--plain-acme4j", env.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("plain-acme4j.log").toFile())).start();
        processes.add(p);
        return new PlainProcess(p,
                new java.io.BufferedWriter(new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)),
                new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
    }

    /** The issuance certfn does, written directly with acme4j and dnsjava: the floor to compare with. */
    static final class PlainAcme {

        /** Issues one certificate per domain read from stdin, answering {@code ok} or the error on stdout. */
        static void serve(Path stackEnv) throws Exception {
            PlainAcme plain = new PlainAcme(readEnv(stackEnv));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String domain = in.readLine(); domain != null; domain = in.readLine()) {
                try {
                    if (domain.startsWith("parallel ")) {
                        plain.issueAtOnce(List.of(domain.substring("parallel ".length()).split(",")));
                    } else {
                        plain.issue(domain);
                    }
                    System.out.println("ok");
                } catch (Exception e) {
                    System.out.println("failed: " + e);
                }
                System.out.flush();
            }
        }

        final Login login;
        final SimpleResolver dns;
        final java.security.KeyPair accountKey;
        final java.util.function.Supplier<Session> sessions;
        /** Logins on sessions of their own for parallel orders, made once and reused (a session reads the directory once). */
        final java.util.Deque<Login> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();

        PlainAcme(Map<String, String> stack) throws Exception {
            SSLContext ssl = trusting(Path.of(stack.get("ACME_TRUST_STORE")));
            GenericAcmeProvider provider = new GenericAcmeProvider() {
                @Override
                public HttpClient createHttpClient(NetworkSettings settings) {
                    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(settings.getTimeout()).build();
                }
            };
            sessions = () -> new Session(URI.create(stack.get("ACME_DIRECTORY")), provider);
            Session session = sessions.get();
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            accountKey = gen.generateKeyPair();
            login = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey).createLogin(session);
            String[] server = stack.get("DNS_SERVER").split(":");
            dns = new SimpleResolver(new InetSocketAddress(server[0], Integer.parseInt(server[1])));
            dns.setTSIGKey(new TSIG(Name.fromString(stack.get("TSIG_ALGORITHM") + "."),
                    Name.fromString(stack.get("TSIG_KEY_NAME") + "."), Base64.getDecoder().decode(stack.get("TSIG_SECRET"))));
            zone = Name.fromString(stack.get("ZONE") + ".");
        }

        final Name zone;

        /** Each name on its own thread and session, at the same moment; returns when all are issued. */
        void issueAtOnce(List<String> domains) throws Exception {
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(domains.size());
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (String domain : domains) {
                    done.add(threads.submit(() -> {
                        Login own = idle.pollFirst();
                        if (own == null) {
                            own = sessions.get().login(login.getAccountLocation(), accountKey);
                        }
                        issue(own, domain);
                        idle.offerFirst(own);
                        return null;
                    }));
                }
                for (var d : done) {
                    d.get();
                }
            } finally {
                threads.shutdown();
            }
        }

        void issue(String domain) throws Exception {
            issue(login, domain);
        }

        void issue(Login login, String domain) throws Exception {
            Order order = login.newOrder().domain(domain).create();
            List<TXTRecord> records = new ArrayList<>();
            List<Dns01Challenge> challenges = new ArrayList<>();
            for (var auth : order.getAuthorizations()) {
                Dns01Challenge ch = auth.findChallenge(Dns01Challenge.class).orElseThrow();
                TXTRecord txt = new TXTRecord(Name.fromString(ch.getRRName(auth.getIdentifier())), DClass.IN, 60, ch.getDigest());
                Update add = new Update(zone);
                add.add(txt);
                dns.send(add);
                records.add(txt);
                challenges.add(ch);
            }
            for (TXTRecord txt : records) {
                while (!visible(txt)) {
                    Thread.sleep(50);
                }
            }
            for (Dns01Challenge ch : challenges) {
                ch.trigger();
            }
            for (Dns01Challenge ch : challenges) {
                if (await(ch, Status.VALID, Status.INVALID) != Status.VALID) {
                    throw new IllegalStateException("challenge failed");
                }
            }
            for (TXTRecord txt : records) {
                Update delete = new Update(zone);
                delete.delete(txt);
                dns.send(delete);
            }
            await(order, Status.READY, Status.INVALID);
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            order.execute(gen.generateKeyPair());
            if (await(order, Status.VALID, Status.INVALID) != Status.VALID) {
                throw new IllegalStateException("order failed");
            }
            order.getCertificate().getCertificateChain();
        }

        /**
         * Polls as certfn does (50 ms doubling to 3 s, or the CA's Retry-After) rather than with
         * acme4j's fixed 3 s, so that an occasional 3 s wait in this column does not decide the ratio.
         */
        static Status await(org.shredzone.acme4j.PollableResource resource, Status... until) throws Exception {
            Set<Status> wanted = Set.of(until);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long pause = 50;
            Status status = resource.getStatus();
            while (!wanted.contains(status)) {
                java.util.Optional<java.time.Instant> retryAfter = resource.fetch();
                status = resource.getStatus();
                if (wanted.contains(status)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("still " + status + " after 60 s");
                }
                Thread.sleep(retryAfter.map(t -> Math.max(0, Duration.between(java.time.Instant.now(), t).toMillis())).orElse(pause));
                pause = Math.min(pause * 2, 3000);
            }
            return status;
        }

        boolean visible(TXTRecord txt) throws IOException {
            Message response = dns.send(Message.newQuery(Record.newRecord(txt.getName(), Type.TXT, DClass.IN)));
            for (Record r : response.getSection(Section.ANSWER)) {
                if (r instanceof TXTRecord t && t.getStrings().containsAll(txt.getStrings())) {
                    return true;
                }
            }
            return false;
        }
    }

    // ---------------------------------------------------------------- stampede

    /**
     * 100 concurrent first requests for one new name over 2 processes sharing a store, next to one
     * first request for another new name sent by the same client to the same processes.
     */
    Map<String, Object> stampede() throws Exception {
        Path store = work.resolve("stampede-store");
        Certfn a = startCertfn(store);
        Certfn b = startCertfn(store);
        // Both processes warm, as a serving instance is: each has issued (ACME session, TLS, the
        // order's code), served stored answers under load from wrk, over kept and over new
        // connections, and bursts from curl (JIT), all discarded.
        for (int i = 0; i < WARMUP_ISSUANCES; i++) {
            burst(List.of(i % 2 == 0 ? a : b), 1, "{\"domain\":\"stampede-warmup-" + i + ".certfn.test\"}", "stampede-warmup-" + i);
        }
        for (Certfn process : List.of(a, b)) {
            for (boolean close : new boolean[] {false, true}) {
                wrk(process.url("/api/certificate"), luaPost("APIKey " + KEY, "stampede-warmup-0.certfn.test", close), WARMUP_WRK_SECONDS);
            }
        }
        for (int i = 0; i < WARMUP_BURSTS; i++) {
            burst(List.of(a, b), BURST, "{\"domain\":\"stampede-warmup-0.certfn.test\"}", "stampede-warmup-burst-" + i);
        }
        Map<String, Object> r = stampedeRounds(a, b, BURST, "stampede");
        // Issue #19's goal 5: a thousand requests, over the same two processes (one warm-up burst of stored answers first).
        burst(List.of(a, b), LARGE_BURST, "{\"domain\":\"stampede-warmup-0.certfn.test\"}", "stampede-warmup-large");
        r.put("large", stampedeRounds(a, b, LARGE_BURST, "stampede-large"));
        a.stop();
        b.stop();
        return r;
    }

    /** Rounds of {@code requests} concurrent first requests for a new name over {@code a} and {@code b}, each next to one issuance. */
    Map<String, Object> stampedeRounds(Certfn a, Certfn b, int requests, String tag) throws Exception {
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
            double one = burst(List.of(round % 2 == 0 ? a : b), 1, "{\"domain\":\"single-" + tag + round + ".certfn.test\"}",
                    "single-" + tag + round).ms();
            String body = "{\"domain\":\"" + tag + "-" + round + ".certfn.test\"}";
            int before = orderCount();
            if (Boolean.getBoolean("bench.trace")) {
                System.out.println(tag + " round " + round + " starts at " + java.time.LocalTime.now());
            }
            Burst burst = burst(List.of(a, b), requests, body, tag + "-" + round);
            orders.add(orderCount() - before);
            // The same burst once the certificate is stored: what the requests cost without the order.
            double cached = burst(List.of(a, b), requests, body, tag + "-" + round + "-cached").ms();
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
        r.put("client", clients(requests) + " curl --parallel --parallel-max " + Math.min(requests, CURL_PARALLEL_MAX)
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

    /** Requests of goal 5's stampede. */
    static final int LARGE_BURST = Integer.getInteger("bench.large-burst", 1000);
    /** curl runs at most 300 transfers at once (its own limit); a larger burst is split over several curl processes. */
    static final int CURL_PARALLEL_MAX = 250;

    static int clients(int requests) {
        return (requests + CURL_PARALLEL_MAX - 1) / CURL_PARALLEL_MAX;
    }

    /** One burst: time to the last response, the slowest request, how much later one process answered than the other. */
    record Burst(double ms, double slowestMs, double lastResponseLagMs) {
    }

    /** {@code requests} concurrent POSTs of {@code body}, spread over {@code targets}; every answer must carry one serial. */
    Burst burst(List<Certfn> targets, int requests, String body, String tag) throws Exception {
        // curl drives the burst: one C process with parallel connections, so the client is not what is measured.
        int clients = clients(requests);
        List<Path> configs = new ArrayList<>();
        List<StringBuilder> lines = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            configs.add(Files.createTempFile(work, "stampede", ".curl"));
            lines.add(new StringBuilder());
        }
        for (int i = 0; i < requests; i++) {
            Certfn target = targets.get(i % targets.size());
            lines.get(i % clients).append("url = \"").append(target.url("/api/certificate")).append("\"\n")
                    .append("header = \"Authorization: APIKey ").append(KEY).append("\"\n")
                    .append("header = \"Content-Type: application/json\"\n")
                    .append("data = \"").append(body.replace("\"", "\\\"")).append("\"\n")
                    .append("output = \"").append(work.resolve(tag + "-" + i + ".json")).append("\"\n")
                    .append("write-out = \"%{http_code} %{time_total} %{url}\\n\"\n");
        }
        for (int c = 0; c < clients; c++) {
            Files.writeString(configs.get(c), lines.get(c).toString());
        }
        List<Process> curls = new ArrayList<>();
        long t0 = System.nanoTime();
        for (Path config : configs) {
            curls.add(new ProcessBuilder("curl", "-s", "--no-progress-meter", "--parallel", "--parallel-immediate",
                    "--parallel-max", String.valueOf(Math.min(requests, CURL_PARALLEL_MAX)), "-K", config.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }
        List<java.util.concurrent.CompletableFuture<String>> outputs = new ArrayList<>();
        for (Process curl : curls) {
            outputs.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        StringBuilder all = new StringBuilder();
        for (int c = 0; c < clients; c++) {
            all.append(outputs.get(c).join());
            curls.get(c).waitFor();
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        String out = all.toString();
        double slowest = 0;
        Map<String, Double> lastByProcess = new HashMap<>();
        for (String line : out.strip().split("\n")) {
            String[] parts = line.trim().split(" ");
            if (!parts[0].equals("200")) {
                throw new IllegalStateException("stampede request failed: " + line);
            }
            double took = Double.parseDouble(parts[1]) * 1000;
            slowest = Math.max(slowest, took);
            lastByProcess.merge(parts[2], took, Math::max);
        }
        Set<String> serials = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            serials.add(JSON.readTree(work.resolve(tag + "-" + i + ".json").toFile()).path("serial").asText());
        }
        if (serials.size() != 1) {
            throw new IllegalStateException("stampede served " + serials.size() + " certificates");
        }
        double lag = lastByProcess.values().stream().mapToDouble(d -> d).max().orElse(0)
                - lastByProcess.values().stream().mapToDouble(d -> d).min().orElse(0);
        return new Burst(ms, slowest, lag);
    }

    int orderCount() throws IOException {
        return (int) Files.readAllLines(Path.of(stack.get("PEBBLE_LOG"))).stream().filter(l -> l.contains("Added order")).count();
    }

    // ---------------------------------------------------------------- summary

    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(Map<String, Object> results) {
        Map<String, Object> warm = (Map<String, Object>) results.get("warmPath");
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("apiKey / healthz throughput (goal >= 0.8)", ((Map<String, Object>) warm.get("apiKey")).get("throughputRatioToHealthz"));
        s.put("RS256 token / healthz throughput (goal >= 0.6)", ((Map<String, Object>) warm.get("rs256")).get("throughputRatioToHealthz"));
        s.put("ES256 token / healthz throughput (goal >= 0.6)", ((Map<String, Object>) warm.get("es256")).get("throughputRatioToHealthz"));
        s.put("cold start / bare Quarkus (goal <= 1.3)", ((Map<String, Object>) results.get("coldStart")).get("ratio"));
        s.put("issuance / plain acme4j (goal <= 1.3)", ((Map<String, Object>) results.get("issuance")).get("ratio"));
        Map<String, Object> parallel = (Map<String, Object>) results.get("parallelIssuance");
        s.put("20 names at once / plain acme4j in parallel (goal <= 1.5)", parallel.get("ratioToPlainAcme4j"));
        s.put("20 names at once on two processes / plain acme4j in parallel (goal <= 1.5)", parallel.get("twoProcessesRatioToPlainAcme4j"));
        s.put("20 names at once / one issuance (goal <= 3)", parallel.get("ratioToOneIssuance"));
        Map<String, Object> fleet = (Map<String, Object>) results.get("fleetAndMemory");
        s.put("cold start, 10 000 stored / one stored (goal <= 1.05)", fleet.get("coldStartRatioToOneStored"));
        s.put("RSS at -Xmx96m after 10 000 requests / bare app (goal <= 1.3)", fleet.get("rssRatioToBareAfter10kRequests"));
        for (String store : List.of("file", "s3")) {
            Map<String, Object> sweep = (Map<String, Object>) ((Map<String, Object>) results.get("sweep")).get(store);
            s.put("sweep on " + store + ", 10 000 stored and 10 due / only the 10 stored (goal <= 1.3)", sweep.get("timeRatioToOnlyDue"));
            s.put("sweep on " + store + ", store calls, 10 000 stored / only the 10 stored",
                    List.of(sweep.get("storeCallsPerSweepFleet"), sweep.get("storeCallsPerSweepOnlyDue")));
        }
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

    // ---------------------------------------------------------------- plumbing

    record Certfn(Process process, int port) {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        void stop() throws InterruptedException {
            Bench.stop(process);
        }
    }

    Certfn startCertfn(Path store) throws Exception {
        return startCertfn(store, Map.of());
    }

    Certfn startCertfn(Path store, Map<String, String> extraEnv) throws Exception {
        int port = freePort();
        Map<String, String> env = new LinkedHashMap<>(certfnEnv(store, port));
        env.putAll(extraEnv);
        Process p = launch(certfnCommand(), env);
        awaitOk(() -> get("http://127.0.0.1:" + port + "/healthz"));
        return new Certfn(p, port);
    }

    List<String> certfnCommand() {
        return certfnCommand(List.of());
    }

    List<String> certfnCommand(List<String> jvmFlags) {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", root.resolve("target/quarkus-app/quarkus-run.jar").toString()));
        return command;
    }

    Map<String, String> certfnEnv(Path store, int port) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_LOG_LEVEL", System.getProperty("bench.log-level", "WARN"));
        if (Boolean.getBoolean("bench.trace")) {
            env.put("QUARKUS_LOG_CATEGORY__IO_CERTFN__LEVEL", "DEBUG");
            env.put("QUARKUS_LOG_CATEGORY__IO_CERTFN__MIN_LEVEL", "DEBUG");
        }
        env.put("CERTFN_ACME_DIRECTORY", stack.get("ACME_DIRECTORY"));
        env.put("CERTFN_ACME_TRUST_STORE", stack.get("ACME_TRUST_STORE"));
        env.put("CERTFN_DNS_RFC2136_SERVER", stack.get("DNS_SERVER"));
        env.put("CERTFN_DNS_RESOLVER", stack.get("DNS_SERVER"));
        env.put("CERTFN_DNS_NAMESERVER_PORT", stack.get("DNS_SERVER").substring(stack.get("DNS_SERVER").lastIndexOf(':') + 1));
        env.put("CERTFN_DNS_RFC2136_TSIG_KEY_NAME", stack.get("TSIG_KEY_NAME"));
        env.put("CERTFN_DNS_RFC2136_TSIG_SECRET", stack.get("TSIG_SECRET"));
        env.put("CERTFN_STORE_FILE_PATH", store.toString());
        env.put("CERTFN_AUTH_API_KEYS", "bench=" + KEY);
        env.put("CERTFN_AUTH_OIDC_ISSUER", issuerUrl());
        env.put("CERTFN_AUTH_OIDC_AUDIENCE", AUDIENCE);
        env.put("CERTFN_AUTH_OIDC_JWKS_URL", issuerUrl() + "/jwks");
        // The benchmark orders far more certificates with one key than a tenant may (certfn.limits.*).
        env.put("CERTFN_LIMITS_NEW_CERTIFICATES_PER_HOUR", "1000000");
        env.put("CERTFN_LIMITS_NEW_CERTIFICATES_PER_REGISTERED_DOMAIN", "1000000");
        env.put("CERTFN_LIMITS_ORDERS_PER_CALLER", "1000");
        env.put("CERTFN_LIMITS_WAITS_PER_CALLER", "100000");
        // A token issuer needs policy rules (deny by default, docs/design.md §4).
        env.put("CERTFN_POLICY", "{\"rules\":[{\"name\":\"bench\",\"match\":{\"apiKey\":\"bench\"},\"domains\":[\"*\"]},"
                + "{\"name\":\"workload\",\"match\":{\"issuer\":\"oidc\",\"sub\":\"bench-workload\"},\"domains\":[\"*\"]}]}");
        return env;
    }

    Process launch(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile(work, "process", ".log").toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        processes.add(p);
        return p;
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    interface Probe {
        int status() throws Exception;
    }

    static void awaitOk(Probe probe) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (probe.status() / 100 == 2) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no 2xx within 60 s");
    }

    static int get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static HttpRequest request(String url, String authorization, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static int post(String url, String authorization, String body) throws Exception {
        return HTTP.send(request(url, authorization, body), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static void mustPost(Certfn certfn, String authorization, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(request(certfn.url("/api/certificate"), authorization, body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST " + body + " -> " + r.statusCode() + " " + r.body());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    void startStack() throws Exception {
        Path dir = work.resolve("stack");
        exec(List.of(root.resolve("dev/stack.sh").toString(), "start", dir.toString()));
        stack.putAll(readEnv(dir.resolve("stack.env")));
    }

    /** The KEY=value lines of {@code dev/stack.sh}'s stack.env. */
    static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }

    void startIssuer() throws Exception {
        rsaKey = RsaJwkGenerator.generateJwk(2048);
        rsaKey.setKeyId("rsa");
        ecKey = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        ecKey.setKeyId("ec");
        String jwks = new JsonWebKeySet(List.of(
                JsonWebKey.Factory.newJwk(rsaKey.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)),
                JsonWebKey.Factory.newJwk(ecKey.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)))).toJson();
        issuer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuer.createContext("/jwks", exchange -> {
            byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        issuer.start();
    }

    String issuerUrl() {
        return "http://127.0.0.1:" + issuer.getAddress().getPort();
    }

    String token(PublicJsonWebKey key, String alg) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuerUrl());
        claims.setAudience(AUDIENCE);
        claims.setSubject("bench-workload");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(120);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(alg);
        return jws.getCompactSerialization();
    }

    static SSLContext trusting(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(pem)));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    static String exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double median(List<Map<String, Double>> runs, String key) {
        return median(runs.stream().map(r -> r.getOrDefault(key, Double.NaN)).toList());
    }

    void close() throws Exception {
        for (Process p : processes) {
            if (p.isAlive()) {
                stop(p);
            }
        }
        if (issuer != null) {
            issuer.stop(0);
        }
        if (!stack.isEmpty()) {
            exec(List.of(root.resolve("dev/stack.sh").toString(), "stop", work.resolve("stack").toString()));
        }
    }
}
