package io.certfn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.Await;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.TestIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;

/**
 * What every section shares, built on the tests' own harness ({@code io.certfn.testing}): the stack
 * (Pebble and the DNS server, {@link AcmeStack}), a token issuer ({@link TestIssuer}), certfn
 * processes started as the tests start them ({@link CertfnProcess}, here with the baseline's JVM
 * flags), waits ({@link Await}), and the few helpers of a measurement.
 *
 * <p>Longer than ~250 lines because it is the one place every section starts processes, sends requests and
 * waits from, so that all of them measure alike; what only one section needs lives in that section.
 */
final class Rig implements AutoCloseable {

    static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    /** Issuances each side makes before the measured rounds (reported apart). */
    static final int WARMUP_ISSUANCES = Integer.getInteger("bench.warmup-issuances", 5);
    static final String KEY = "bench-key-0123456789abcdef";
    static final String API_KEY = "APIKey " + KEY;
    static final String AUDIENCE = "https://certfn.bench";
    /** The stored certificate the warm path, cold start and fleet sections ask for. */
    static final String STORED = "{\"domain\":\"bench.certfn.test\"}";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final Path root;
    final Path work;
    /** Pebble and the DNS server; a new pair after {@link #freshStack()}. */
    AcmeStack stack;
    final TestIssuer issuer;
    final PublicJsonWebKey rsaKey;
    final PublicJsonWebKey ecKey;
    private final List<CertfnProcess> certfns = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    Rig(Path root) throws IOException {
        this.root = root;
        this.work = Files.createTempDirectory("certfn-bench");
        this.stack = AcmeStack.start(Map.of());
        this.issuer = new TestIssuer();
        this.rsaKey = issuer.newKey("RSA", "rsa");
        this.ecKey = issuer.newKey("EC256", "ec");
    }

    /**
     * Pebble and the DNS server started anew for the sections after this call. Debian's Pebble 2.4 can deadlock
     * in its in-memory store once it holds thousands of authorizations (bench/README.md, "Why Pebble stops
     * answering"), which a section would then measure instead of certfn.
     */
    void freshStack() {
        stack.close();
        stack = AcmeStack.start(Map.of());
    }

    /** certfn pointed at the stack with the file store at {@code store}, an API key and a token issuer the policy grants. */
    Map<String, String> certfnConfig(Path store) {
        Map<String, String> config = new LinkedHashMap<>(stack.certfnConfig());
        config.put("quarkus.log.level", System.getProperty("bench.log-level", "WARN"));
        if (Boolean.getBoolean("bench.trace")) {
            config.put("QUARKUS_LOG_CATEGORY__IO_CERTFN__LEVEL", "DEBUG");
            config.put("QUARKUS_LOG_CATEGORY__IO_CERTFN__MIN_LEVEL", "DEBUG");
        }
        config.put("certfn.store.file.path", store.toString());
        config.put("certfn.auth.api-keys", "bench=" + KEY);
        config.put("certfn.auth.oidc.issuer", issuer.url());
        config.put("certfn.auth.oidc.audience", AUDIENCE);
        config.put("certfn.auth.oidc.jwks-url", issuer.jwksUrl());
        // The benchmark orders far more certificates with one key than a tenant may (certfn.limits.*).
        config.put("certfn.limits.orders-per-caller", "1000");
        config.put("certfn.limits.waits-per-caller", "100000");
        // A token issuer needs policy rules (deny by default, docs/design.md §4).
        config.put("certfn.policy", "{\"rules\":[{\"name\":\"bench\",\"match\":{\"apiKey\":\"bench\"},\"domains\":[\"*\"]},"
                + "{\"name\":\"workload\",\"match\":{\"issuer\":\"oidc\",\"sub\":\"bench-workload\"},\"domains\":[\"*\"]}]}");
        return config;
    }

    /** certfn on the store folder {@code store}, started and healthy, default JVM flags (as the bare app's). */
    CertfnProcess startCertfn(Path store) throws Exception {
        return startCertfn(store, Map.of());
    }

    /** {@link #startCertfn(Path)} with {@code extra} settings over the bench's. */
    CertfnProcess startCertfn(Path store, Map<String, String> extra) throws Exception {
        Map<String, String> config = certfnConfig(store);
        config.putAll(extra);
        CertfnProcess certfn = CertfnProcess.start(config, List.of());
        certfns.add(certfn);
        return certfn;
    }

    /** The store folder {@code store} holding bench.certfn.test, issued by a certfn started and stopped for it. */
    void storeOne(Path store) throws Exception {
        CertfnProcess seed = startCertfn(store);
        mustPost(seed, STORED);
        seed.close();
    }

    /** certfn launched with {@code jvmFlags}, not awaited: its start is what is timed. */
    CertfnProcess launchCertfn(Path store, List<String> jvmFlags) throws IOException {
        CertfnProcess certfn = CertfnProcess.launch(certfnConfig(store), jvmFlags);
        certfns.add(certfn);
        return certfn;
    }

    /**
     * certfn launched by {@code java} from {@code appDir} ({@code -jar quarkus-run.jar}) on {@code port}, as an AOT
     * cache needs: it loads only for the JVM and class path it was written with.
     */
    Process launchCertfnInAppDir(Path appDir, String java, Path store, List<String> jvmFlags, int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", "quarkus-run.jar"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(appDir.toFile()).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile(work, "certfn-aot", ".log").toFile());
        certfnConfig(store).forEach((key, value) -> builder.environment().put(key.toUpperCase().replaceAll("[.\\-]", "_"), value));
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        return stopAtTheEnd(builder.start());
    }

    /** {@code POST /api/certificate} with the bench's API key on {@code port}. */
    static int post(int port, String body) throws Exception {
        return HTTP.send(request("http://127.0.0.1:" + port + "/api/certificate", API_KEY, body), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** The bare Quarkus app built by bench/run.sh, launched with {@code jvmFlags} on {@code port}, not awaited. */
    Process launchBare(List<String> jvmFlags, int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", root.resolve("bench/bare-app/target/quarkus-app/quarkus-run.jar").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile(work, "bare", ".log").toFile());
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        return stopAtTheEnd(builder.start());
    }

    /** {@code p}, stopped when the bench ends if it still runs. */
    Process stopAtTheEnd(Process p) {
        processes.add(p);
        return p;
    }

    /** Process start to first 2xx: looks every 5 ms, so the look itself does not decide a ratio. */
    static void awaitOk(Await.Condition answersOk) throws InterruptedException {
        Await.atMost(Duration.ofSeconds(60)).every(Duration.ofMillis(5)).until("a 2xx answer", answersOk);
    }

    /** A bearer token of the bench's workload, signed with {@code key}. */
    String token(PublicJsonWebKey key, String alg) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer.url());
        claims.setAudience(AUDIENCE);
        claims.setSubject("bench-workload");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(120);
        return TestIssuer.sign(claims, key, alg);
    }

    /** How many orders Pebble has created so far. */
    int orderCount() {
        return stack.orderCount();
    }

    static void mustPost(CertfnProcess certfn, String body) throws Exception {
        HttpResponse<String> r = certfn.post("/api/certificate", API_KEY, body);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST " + body + " -> " + r.statusCode() + " " + r.body());
        }
    }

    /** The status of {@code body} POSTed to certfn's certificate endpoint with the bench's key. */
    static int post(CertfnProcess certfn, String body) throws Exception {
        return HTTP.send(request(certfn.url("/api/certificate"), API_KEY, body), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static int get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static HttpRequest request(String url, String authorization, String body) {
        return request(url, authorization, body, Duration.ofSeconds(120));
    }

    static HttpRequest request(String url, String authorization, String body, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization)
                .header("Content-Type", "application/json").timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static double rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return -1;
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

    static String exec(List<String> command) throws Exception {
        return exec(command, Map.of());
    }

    /** {@code command} with {@code env} added to this process's environment; its output, or the failure with it. */
    static String exec(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
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

    @Override
    public void close() throws Exception {
        for (CertfnProcess certfn : certfns) {
            certfn.close();
        }
        for (Process p : processes) {
            if (p.isAlive()) {
                stop(p);
            }
        }
        issuer.close();
        stack.close();
    }
}
