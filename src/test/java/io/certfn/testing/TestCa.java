package io.certfn.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA that answers like a production one: {@code src/test/ca-proxy/ca_proxy.py}, an HTTPS
 * reverse proxy in front of a stack's Pebble that forwards everything and, when told, answers a
 * resource itself as Let's Encrypt does (a 429 {@code rateLimited} with {@code Retry-After}, a
 * refusal). It keeps the Host header, so Pebble's URLs lead back through it. Its TLS certificate
 * is made here with openssl, and certfn trusts it through {@code certfn.acme.trust-store}.
 */
public final class TestCa implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AcmeStack stack;
    private final Process process;
    private final Path dir;
    private final int port;
    private final HttpClient http;

    private TestCa(AcmeStack stack, Process process, Path dir, int port, HttpClient http) {
        this.stack = stack;
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.http = http;
    }

    /** Starts the proxy in front of {@code stack}'s Pebble. */
    public static TestCa start(AcmeStack stack) throws Exception {
        Path dir = Files.createTempDirectory("certfn-test-ca");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-subj", "/CN=certfn test CA proxy", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2",
                "-keyout", dir.resolve("tls.key").toString(), "-out", dir.resolve("tls.pem").toString()));
        int port = CertfnProcess.freePort();
        URI pebble = URI.create(stack.get("ACME_DIRECTORY"));
        Process process = new ProcessBuilder("python3", Path.of("src/test/ca-proxy/ca_proxy.py").toAbsolutePath().toString(),
                "--port", Integer.toString(port), "--upstream", "https://" + pebble.getHost() + ":" + pebble.getPort(),
                "--cert", dir.resolve("tls.pem").toString(), "--key", dir.resolve("tls.key").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("proxy.log").toFile()).start();
        TestCa ca = new TestCa(stack, process, dir, port, HttpClient.newBuilder().sslContext(trusting(dir.resolve("tls.pem")))
                .connectTimeout(Duration.ofSeconds(5)).build());
        ca.awaitListening();
        return ca;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (var in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("test-ca-proxy", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    private void awaitListening() throws Exception {
        Await.atMost(Duration.ofSeconds(30)).every(Duration.ofMillis(50)).until("ca_proxy.py listening", () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("ca_proxy.py exited:\n" + log());
            }
            control("POST", "/ca-proxy/reset", "");
            return true;
        }, this::log);
    }

    /** The ACME directory URL through the proxy. */
    public String directory() {
        return "https://127.0.0.1:" + port + "/dir";
    }

    /** The stack's certfn settings with the CA reached through this proxy. */
    public Map<String, String> certfnConfig() {
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.acme.directory", directory());
        config.put("certfn.acme.trust-store", dir.resolve("tls.pem").toString());
        return config;
    }

    /**
     * Answers the next {@code times} requests to {@code resource} (a directory name such as
     * {@code newOrder}, or {@code finalize}, {@code challenge}) with an RFC 8555 problem of
     * {@code type} (e.g. {@code rateLimited}) and, when not null, {@code Retry-After}.
     */
    public void fail(String resource, int status, String type, String detail, Integer retryAfterSeconds, int times) throws Exception {
        fail(resource, status, type, detail, retryAfterSeconds, times, false);
    }

    /** As {@link #fail(String, int, String, String, Integer, int)}; {@code onlyReplacing}: only a newOrder that carries {@code replaces}. */
    public void fail(String resource, int status, String type, String detail, Integer retryAfterSeconds, int times,
            boolean onlyReplacing) throws Exception {
        Map<String, Object> rule = new LinkedHashMap<>();
        if (onlyReplacing) {
            rule.put("when", "replaces");
        }
        rule.put("resource", resource);
        rule.put("status", status);
        rule.put("type", type);
        rule.put("detail", detail);
        rule.put("times", times);
        if (retryAfterSeconds != null) {
            rule.put("retryAfter", retryAfterSeconds);
        }
        control("POST", "/ca-proxy/fail", JSON.writeValueAsString(rule));
    }

    /**
     * Forwards the next trigger of a challenge to Pebble, then holds Pebble's answer for {@code
     * seconds}: the client has triggered it but does not hear back (and can be killed meanwhile).
     */
    public void holdChallengeTrigger(int seconds) throws Exception {
        control("POST", "/ca-proxy/fail", JSON.writeValueAsString(Map.of("resource", "challenge", "hold", seconds, "when", "trigger",
                "times", 1)));
    }

    /**
     * Forwards every request for the directory to Pebble and holds each answer for {@code seconds},
     * until {@link #reset}: a CA slow or unreachable from certfn's side.
     */
    public void holdDirectory(int seconds) throws Exception {
        control("POST", "/ca-proxy/fail", JSON.writeValueAsString(Map.of("resource", "/dir", "hold", seconds, "times", -1)));
    }

    /** EAB keys work as Google Trust Services' do from now on: each binds the first account registered with it. */
    public void eabSingleUse() throws Exception {
        control("POST", "/ca-proxy/eab-single-use", "{}");
    }

    /** How many newAccount requests have reached the CA. */
    public int newAccountRequests() throws Exception {
        return Integer.parseInt(control("GET", "/ca-proxy/new-accounts", null).strip());
    }

    /** How many answers the proxy has held so far ({@link #holdChallengeTrigger}). */
    public int held() throws Exception {
        return Integer.parseInt(control("GET", "/ca-proxy/held", null).strip());
    }

    /** Turns ARI off: the directory lists no {@code renewalInfo}, as Pebble 2.4's does. */
    public void ariOff() throws Exception {
        control("POST", "/ca-proxy/ari", "null");
    }

    /**
     * Turns ARI on (RFC 9773): the directory gains {@code renewalInfo} (acme4j reads the directory
     * once per session, so before certfn's first order) and every certificate's suggested window
     * is {@code start}..{@code end}.
     */
    public void ari(Instant start, Instant end, String explanationUrl) throws Exception {
        ari(start, end, explanationUrl, 21600);
    }

    /** {@link #ari(Instant, Instant, String)}, answered with {@code Retry-After: retryAfterSeconds} (6 h above). */
    public void ari(Instant start, Instant end, String explanationUrl, int retryAfterSeconds) throws Exception {
        Map<String, Object> ari = new LinkedHashMap<>();
        ari.put("retryAfter", retryAfterSeconds);
        ari.put("start", start.toString());
        ari.put("end", end.toString());
        if (explanationUrl != null) {
            ari.put("explanationURL", explanationUrl);
        }
        control("POST", "/ca-proxy/ari", JSON.writeValueAsString(ari));
    }

    /**
     * Turns ARI on as Let's Encrypt serves it: each certificate's window from the leaf the CA issued
     * (Boulder's RenewalInfoSimple), a certificate ordered with a profile in {@code lifetimes}
     * treated as living that long (Pebble 2.4 issues 5-year certificates); certIDs checked (400
     * malformed, 404 unknown). newOrder then echoes the requested profile and refuses one the
     * directory does not list (400 invalidProfile). Before certfn's first order.
     */
    public void ariLikeBoulder(Map<String, Duration> lifetimes, int retryAfterSeconds) throws Exception {
        Map<String, Long> seconds = new LinkedHashMap<>();
        lifetimes.forEach((profile, lifetime) -> seconds.put(profile, lifetime.toSeconds()));
        control("POST", "/ca-proxy/ari-boulder", JSON.writeValueAsString(Map.of("lifetimes", seconds, "retryAfter", retryAfterSeconds)));
    }

    /** The renewal-info requests answered 400 (malformed certID) or 404 (unknown), as [certID, status] pairs. */
    public JsonNode renewalInfoErrors() throws Exception {
        return JSON.readTree(control("GET", "/ca-proxy/renewal-info-errors", null));
    }

    /** The next {@code times} renewal-info requests answer {@code status} (a problem document), or, for status 200, a page that is not JSON. */
    public void failRenewalInfo(int status, int times) throws Exception {
        Map<String, Object> rule = new LinkedHashMap<>(Map.of("resource", "renewalInfo", "status", status, "times", times));
        if (status == 200) {
            rule.put("garbage", true);
        }
        control("POST", "/ca-proxy/fail", JSON.writeValueAsString(rule));
    }

    /** Every account the CA has seen so far is refused from now on, on every request (400 accountDoesNotExist). */
    public void forgetAccounts() throws Exception {
        control("POST", "/ca-proxy/forget-accounts", "{}");
    }

    /** Offers ACME profiles (name → description) in the directory's {@code meta.profiles}; before certfn's first order. */
    public void profiles(Map<String, String> profiles) throws Exception {
        control("POST", "/ca-proxy/profiles", JSON.writeValueAsString(profiles));
    }

    /** Makes newOrder answers name {@code profile} as the order's profile (null: name none, as Pebble 2.4). */
    public void echoProfile(String profile) throws Exception {
        Map<String, Object> echo = new LinkedHashMap<>();
        if (profile != null) {
            echo.put("profile", profile);
        }
        control("POST", "/ca-proxy/echo-profile", JSON.writeValueAsString(echo));
    }

    /** The certificate ids whose renewal info was asked for, oldest first. */
    public JsonNode renewalInfoFetches() throws Exception {
        return JSON.readTree(control("GET", "/ca-proxy/renewal-info-fetches", null));
    }

    /** Forgets every rule: the proxy forwards everything again. */
    public void reset() throws Exception {
        control("POST", "/ca-proxy/reset", "");
    }

    /** The newOrder payloads the CA received, oldest first. */
    public JsonNode orders() throws Exception {
        return JSON.readTree(control("GET", "/ca-proxy/orders", null));
    }

    private String control(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** The proxy's output, for failure messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("proxy.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
