package io.certfn.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.Await;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Closing;
import io.certfn.testing.TestCerts;
import io.certfn.testing.TestIssuer;
import io.certfn.testing.TestStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code client/certfn-fetch}, run by {@code sh} (dash on Debian: POSIX only) against a packaged
 * certfn, Pebble and Knot: what it installs, when it reloads, what a refusal and a kill leave behind,
 * and a platform token it fetches itself from a metadata endpoint.
 */
class CertfnFetchIT {

    private static final Path SCRIPT = Path.of("client/certfn-fetch").toAbsolutePath();
    private static final String OPS = "fetch-ops-key-0123456789";
    private static final String NARROW = "fetch-narrow-key-0123456789";
    private static final String AUDIENCE = "https://certfn.fetch.test";
    private static final String EMAIL = "fetcher@certfn-test.iam.gserviceaccount.com";

    private static AcmeStack stack;
    private static CertfnProcess certfn;
    private static Path store;
    private static TestIssuer google;
    private static PublicJsonWebKey googleKey;

    @BeforeAll
    static void start() throws Exception {
        stack = AcmeStack.start(Map.of());
        store = Files.createTempDirectory("certfn-fetch-store");
        google = new TestIssuer();
        googleKey = google.newKey("RSA", "fetch-google-1");
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.store.file.path", store.toString());
        // The tests make stored certificates due by editing the store; the read cache would hide that.
        config.put("certfn.store.cache-ttl", "0s");
        config.put("certfn.auth.api-keys", "ops=" + OPS + ",narrow=" + NARROW);
        config.put("certfn.auth.google.audience", AUDIENCE);
        config.put("certfn.auth.google.jwks-url", google.jwksUrl());
        config.put("certfn.policy", """
                {"rules": [
                  {"name": "ops", "match": {"apiKey": "ops"}, "domains": ["*"]},
                  {"name": "narrow", "match": {"apiKey": "narrow"}, "domains": ["narrow.certfn.test"]},
                  {"name": "gce-vm", "match": {"issuer": "google", "email": "%s"}, "domains": ["gce.certfn.test"]}
                ]}""".formatted(EMAIL));
        certfn = CertfnProcess.start(config);
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(certfn, google, stack);
    }

    /** One run of the script: its exit code and what it printed. */
    record Run(int exit, String out) {
    }

    private static ProcessBuilder script(Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", SCRIPT.toString(), "--server", certfn.url("")));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
        builder.environment().putAll(env);
        return builder;
    }

    private static Run run(Path dir, Map<String, String> env, String... args) throws Exception {
        Process p = script(dir, env, args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "certfn-fetch finished");
        return new Run(p.exitValue(), out);
    }

    private static Run fetch(Path dir, String name, String key, String... more) throws Exception {
        Path keyFile = dir.resolve("api-key");
        Files.writeString(keyFile, key + "\n");
        List<String> args = new ArrayList<>(List.of("--domain", name, "--cert", dir.resolve("tls.crt").toString(),
                "--key", dir.resolve("tls.key").toString(), "--api-key-file", keyFile.toString(),
                "--reload", "echo reloaded >> " + dir.resolve("reloads")));
        args.addAll(List.of(more));
        return run(dir, Map.of(), args.toArray(String[]::new));
    }

    private static int reloads(Path dir) throws IOException {
        Path log = dir.resolve("reloads");
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }

    /** The installed pair: a chain that verifies against Pebble's root, leaf first, and the key of that leaf. */
    private static X509Certificate assertInstalled(Path dir, String name) throws Exception {
        String chain = Files.readString(dir.resolve("tls.crt"));
        List<X509Certificate> certs = TestCerts.parse(chain);
        assertTrue(certs.size() >= 2, "the leaf and its chain: " + certs.size() + " certificate(s)");
        TestCerts.verifyChain(chain, stack.root());
        X509Certificate leaf = certs.get(0);
        assertTrue(TestCerts.dnsNames(leaf).contains(name), TestCerts.dnsNames(leaf).toString());
        PrivateKey key = privateKey(Files.readString(dir.resolve("tls.key")));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(leaf.getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertTrue(verifier.verify(signature), "the key belongs to the installed leaf");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls.key"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls.crt"))));
        return leaf;
    }

    private static PrivateKey privateKey(String pem) throws Exception {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static List<String> leftovers(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith(".certfn-fetch")).toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jq", "python3"})
    void installsOnceReloadsOnlyOnChangeAndAgainAfterARenewal(String jsonTool, @TempDir Path dir) throws Exception {
        String name = "fetch-" + jsonTool + ".certfn.test";
        Map<String, String> env = Map.of("CERTFN_FETCH_JSON", jsonTool);
        Path keyFile = dir.resolve("api-key");
        Files.writeString(keyFile, OPS);
        String[] args = {"--domain", name, "--cert", dir.resolve("tls.crt").toString(), "--key", dir.resolve("tls.key").toString(),
            "--api-key-file", keyFile.toString(), "--reload", "echo reloaded >> " + dir.resolve("reloads")};

        Run first = run(dir, env, args);
        assertEquals(0, first.exit(), first.out() + certfn.log());
        assertTrue(first.out().contains("installed"), first.out());
        X509Certificate installed = assertInstalled(dir, name);
        assertEquals(1, reloads(dir), "the first install reloads");

        byte[] certBefore = Files.readAllBytes(dir.resolve("tls.crt"));
        Instant modified = Files.getLastModifiedTime(dir.resolve("tls.crt")).toInstant();
        Run second = run(dir, env, args);
        assertEquals(0, second.exit(), second.out());
        assertTrue(second.out().contains("nothing changed"), second.out());
        assertArrayEquals(certBefore, Files.readAllBytes(dir.resolve("tls.crt")));
        assertEquals(modified, Files.getLastModifiedTime(dir.resolve("tls.crt")).toInstant(), "not rewritten");
        assertEquals(1, reloads(dir), "an unchanged certificate is not reloaded");

        TestStore.makeDue(store, name);
        Run renewed = run(dir, env, args);
        assertEquals(0, renewed.exit(), renewed.out() + certfn.log());
        X509Certificate next = assertInstalled(dir, name);
        assertNotEquals(installed.getSerialNumber(), next.getSerialNumber(), "the renewed certificate is installed");
        assertEquals(2, reloads(dir), "a renewal reloads once");
        // README (Audit log): a replacement of a stored certificate is audited as renewed, with its new serial.
        assertTrue(certfn.log().lines().anyMatch(l -> l.contains("event=renewed caller=apiKey:")
                && l.contains(" names=" + name + " serial=" + next.getSerialNumber().toString(16) + " ")), certfn.log());
        assertEquals(0, run(dir, env, args).exit());
        assertEquals(2, reloads(dir), "and not again");
        assertEquals(List.of(), leftovers(dir));
    }

    @Test
    void aRefusalLeavesTheInstalledFilesUntouchedAndSaysWhy(@TempDir Path dir) throws Exception {
        Run ok = fetch(dir, "narrow.certfn.test", NARROW);
        assertEquals(0, ok.exit(), ok.out() + certfn.log());
        byte[] cert = Files.readAllBytes(dir.resolve("tls.crt"));
        byte[] key = Files.readAllBytes(dir.resolve("tls.key"));

        Run denied = fetch(dir, "other.certfn.test", NARROW);
        assertEquals(1, denied.exit(), denied.out());
        assertTrue(denied.out().contains("certfn refused (403 domain_not_allowed)"), denied.out());
        assertTrue(denied.out().contains("'other.certfn.test'"), denied.out());

        Run wrongKey = fetch(dir, "narrow.certfn.test", "not-a-key-of-this-server-0123");
        assertEquals(1, wrongKey.exit(), wrongKey.out());
        assertTrue(wrongKey.out().contains("certfn refused (401 invalid_credentials)"), wrongKey.out());
        assertTrue(!wrongKey.out().contains("not-a-key-of-this-server"), "the key is never printed: " + wrongKey.out());

        assertArrayEquals(cert, Files.readAllBytes(dir.resolve("tls.crt")));
        assertArrayEquals(key, Files.readAllBytes(dir.resolve("tls.key")));
        assertEquals(1, reloads(dir), "no reload after a refusal");
        assertEquals(List.of(), leftovers(dir));
    }

    @Test
    void aRunKilledWhileWaitingForCertfnLeavesNothingBehind(@TempDir Path dir) throws Exception {
        assertEquals(0, fetch(dir, "killed.certfn.test", OPS).exit());
        byte[] cert = Files.readAllBytes(dir.resolve("tls.crt"));
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer silent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        silent.createContext("/", exchange -> {
            asked.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        silent.start();
        try {
            Path tmp = Files.createDirectory(dir.resolve("tmp"));
            Files.writeString(dir.resolve("api-key"), OPS);
            List<String> command = List.of("sh", SCRIPT.toString(), "--server", "http://127.0.0.1:" + silent.getAddress().getPort(),
                    "--domain", "killed.certfn.test", "--cert", dir.resolve("tls.crt").toString(), "--key", dir.resolve("tls.key").toString(),
                    "--api-key-file", dir.resolve("api-key").toString());
            Path out = dir.resolve("out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            builder.environment().put("TMPDIR", tmp.toString());
            Process p = builder.start();
            assertTrue(asked.await(30, TimeUnit.SECONDS), "the script asked certfn");
            p.destroy(); // SIGTERM, as systemd or a CronJob's deadline sends
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(143, p.exitValue(), Files.readString(out));
            try (var left = Files.list(tmp)) {
                assertEquals(List.of(), left.toList(), "its work folder (and the credential file in it) is removed");
            }
        } finally {
            release.countDown();
            silent.stop(0);
        }
        assertArrayEquals(cert, Files.readAllBytes(dir.resolve("tls.crt")));
        assertEquals(List.of(), leftovers(dir));
    }

    @Test
    void aRunKilledOutrightWhileInstallingLeavesWholeFiles(@TempDir Path dir) throws Exception {
        String name = "sigkill.certfn.test";
        assertEquals(0, fetch(dir, name, OPS).exit());
        byte[] cert = Files.readAllBytes(dir.resolve("tls.crt"));
        byte[] key = Files.readAllBytes(dir.resolve("tls.key"));
        TestStore.makeDue(store, name);
        // An mv that stops before it renames: the moment the new files are staged and the old ones still in place.
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path staged = dir.resolve("staged");
        Files.writeString(bin.resolve("mv"), "#!/bin/sh\n: > '" + staged + "'\nexec sleep 60\n");
        bin.resolve("mv").toFile().setExecutable(true);
        Files.writeString(dir.resolve("api-key"), OPS);
        Path out = dir.resolve("out");
        ProcessBuilder builder = script(dir, Map.of("PATH", bin + ":" + System.getenv("PATH")), "--domain", name,
                "--cert", dir.resolve("tls.crt").toString(), "--key", dir.resolve("tls.key").toString(),
                "--api-key-file", dir.resolve("api-key").toString()).redirectOutput(out.toFile());
        Process p = builder.start();
        Await.atMost(Duration.ofSeconds(60)).until("the run reached the rename", () -> {
            assertTrue(Files.exists(staged) || p.isAlive(), "certfn-fetch ended before the rename: " + Files.readString(out));
            return Files.exists(staged);
        });
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly(); // SIGKILL: no trap runs
        p.waitFor();
        assertArrayEquals(cert, Files.readAllBytes(dir.resolve("tls.crt")), "the installed certificate is whole and unchanged");
        assertArrayEquals(key, Files.readAllBytes(dir.resolve("tls.key")));
        assertInstalled(dir, name);

        Run next = fetch(dir, name, OPS);
        assertEquals(0, next.exit(), next.out());
        assertNotEquals(new String(cert, StandardCharsets.US_ASCII), Files.readString(dir.resolve("tls.crt")), "the next run installs the renewal");
        assertInstalled(dir, name);
    }

    @Test
    void onGoogleCloudItFetchesItsOwnIdToken(@TempDir Path dir) throws Exception {
        HttpServer metadata = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> asked = new ArrayList<>();
        metadata.createContext("/computeMetadata/v1/instance/service-accounts/default/identity", exchange -> {
            asked.add(exchange.getRequestURI().getRawQuery());
            boolean google = "Google".equals(exchange.getRequestHeaders().getFirst("Metadata-Flavor"));
            String audience = exchange.getRequestURI().getRawQuery().replaceAll(".*audience=([^&]*).*", "$1");
            byte[] body = (google ? idToken(java.net.URLDecoder.decode(audience, StandardCharsets.UTF_8)) : "missing Metadata-Flavor")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(google ? 200 : 403, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        metadata.start();
        try {
            Run r = run(dir, Map.of("GCE_METADATA_HOST", "127.0.0.1:" + metadata.getAddress().getPort()),
                    "--identity", "gcp", "--audience", AUDIENCE, "--domain", "gce.certfn.test",
                    "--cert", dir.resolve("tls.crt").toString(), "--key", dir.resolve("tls.key").toString());
            assertEquals(0, r.exit(), r.out() + certfn.log());
            assertEquals(List.of("audience=https%3A%2F%2Fcertfn.fetch.test&format=full"), asked);
            assertInstalled(dir, "gce.certfn.test");

            Run otherName = run(dir, Map.of("GCE_METADATA_HOST", "127.0.0.1:" + metadata.getAddress().getPort()),
                    "--identity", "gcp", "--audience", AUDIENCE, "--domain", "ops.certfn.test",
                    "--cert", dir.resolve("other.crt").toString(), "--key", dir.resolve("other.key").toString());
            assertEquals(1, otherName.exit(), otherName.out());
            assertTrue(otherName.out().contains("certfn refused (403 domain_not_allowed)"), otherName.out());
            assertTrue(otherName.out().contains("'ops.certfn.test'"), otherName.out());
            assertTrue(!Files.exists(dir.resolve("other.crt")), "nothing written");
        } finally {
            metadata.stop(0);
        }
    }

    @Test
    void aLongOrderIsFollowedThroughRetryAfterUpToMaxWait(@TempDir Path dir) throws Exception {
        // A certfn that answers every new order at once as pending, as one does when the CA is slow.
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.store.file.path", Files.createTempDirectory("certfn-fetch-slow").toString());
        config.put("certfn.auth.api-keys", "ops=" + OPS);
        config.put("certfn.request.wait", "0s");
        config.put("certfn.request.retry-after", "1s");
        try (CertfnProcess slow = CertfnProcess.start(config)) {
            Files.writeString(dir.resolve("api-key"), OPS);
            String[] args = {"--server", slow.url(""), "--domain", "slow.certfn.test", "--cert", dir.resolve("tls.crt").toString(),
                "--key", dir.resolve("tls.key").toString(), "--api-key-file", dir.resolve("api-key").toString()};
            Run gaveUp = run(dir, Map.of(), concat(args, "--max-wait", "0"));
            assertEquals(3, gaveUp.exit(), gaveUp.out());
            assertTrue(gaveUp.out().contains("no certificate within --max-wait 0s"), gaveUp.out());
            assertTrue(!Files.exists(dir.resolve("tls.crt")), "nothing written");

            Run followed = run(dir, Map.of(), concat(args, "--domain", "slow2.certfn.test"));
            assertEquals(0, followed.exit(), followed.out() + slow.log());
            assertTrue(followed.out().contains("the order is still running; asking again in 1s"), followed.out());
            assertInstalled(dir, "slow2.certfn.test");
        }
    }

    private static String[] concat(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void inGitHubActionsAzureAndKubernetesItUsesEachPlatformsTokenSource(@TempDir Path dir) throws Exception {
        // Each endpoint answers as its platform documents it; the token inside is one certfn accepts.
        HttpServer platform = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> asked = new ArrayList<>();
        platform.createContext("/github", exchange -> {
            asked.add("github " + exchange.getRequestURI().getRawQuery());
            boolean ok = "bearer gh-request-token".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            TestIssuer.respond(exchange, ok ? 200 : 401, ok ? "{\"count\":1,\"value\":\"" + idToken(AUDIENCE) + "\"}" : "{}");
        });
        platform.createContext("/msi/token", exchange -> {
            asked.add("azure " + exchange.getRequestURI().getRawQuery());
            boolean ok = "identity-header-secret".equals(exchange.getRequestHeaders().getFirst("X-IDENTITY-HEADER"));
            TestIssuer.respond(exchange, ok ? 200 : 400, ok ? "{\"access_token\":\"" + idToken(AUDIENCE) + "\",\"token_type\":\"Bearer\"}" : "{}");
        });
        platform.start();
        String base = "http://127.0.0.1:" + platform.getAddress().getPort();
        // Every curl command line is recorded, as another user's `ps` would see it.
        Path argv = dir.resolve("curl-argv");
        Path shims = shim(dir, "curl", "printf '%s\\n' \"$*\" >> " + argv + "\nexec " + realCommand("curl") + " \"$@\"");
        try {
            Run github = run(dir, Map.of("ACTIONS_ID_TOKEN_REQUEST_URL", base + "/github?api-version=2.0",
                    "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh-request-token", "PATH", shims + ":" + System.getenv("PATH")),
                    "--identity", "github", "--audience", AUDIENCE,
                    "--domain", "gce.certfn.test", "--cert", dir.resolve("gh.crt").toString(), "--key", dir.resolve("gh.key").toString());
            assertEquals(0, github.exit(), github.out());
            Run azure = run(dir, Map.of("IDENTITY_ENDPOINT", base + "/msi/token", "IDENTITY_HEADER", "identity-header-secret",
                    "PATH", shims + ":" + System.getenv("PATH")),
                    "--identity", "azure", "--audience", AUDIENCE, "--domain", "gce.certfn.test",
                    "--cert", dir.resolve("az.crt").toString(), "--key", dir.resolve("az.key").toString());
            assertEquals(0, azure.exit(), azure.out());
            assertEquals(List.of("github api-version=2.0&audience=https%3A%2F%2Fcertfn.fetch.test",
                    "azure api-version=2019-08-01&resource=https%3A%2F%2Fcertfn.fetch.test"), asked);
            String commandLines = Files.readString(argv);
            assertTrue(commandLines.contains("/github") && commandLines.contains("/msi/token"), commandLines);
            assertTrue(!commandLines.contains("gh-request-token") && !commandLines.contains("identity-header-secret"),
                    "no platform secret on a command line: " + commandLines);
            // Kubernetes: a projected service-account token, read from its file.
            Path token = dir.resolve("projected-token");
            Files.writeString(token, idToken(AUDIENCE) + "\n");
            Run k8s = run(dir, Map.of(), "--identity", "k8s", "--token-file", token.toString(), "--domain", "gce.certfn.test",
                    "--cert", dir.resolve("k8s.crt").toString(), "--key", dir.resolve("k8s.key").toString());
            assertEquals(0, k8s.exit(), k8s.out());
            assertEquals(Files.readString(dir.resolve("gh.crt")), Files.readString(dir.resolve("k8s.crt")), "the same certificate");
            Run noHeader = run(dir, Map.of("IDENTITY_ENDPOINT", base + "/msi/token", "IDENTITY_HEADER", "wrong"),
                    "--identity", "azure", "--domain", "gce.certfn.test", "--cert", dir.resolve("x.crt").toString(),
                    "--key", dir.resolve("x.key").toString());
            assertEquals(3, noHeader.exit(), noHeader.out());
            assertTrue(noHeader.out().contains("the azure token endpoint answered 400"), noHeader.out());
        } finally {
            platform.stop(0);
        }
    }

    /**
     * A Function URL with AuthType AWS_IAM takes a SigV4-signed request (service {@code lambda}, the
     * function's region). curl signs it (--aws-sigv4); the key pair reaches curl in a config file and
     * the session token in a header file, never on a command line.
     */
    @Test
    void withAwsIamTheRequestIsSignedWithSigV4AndNoSecretIsOnACommandLine(@TempDir Path dir) throws Exception {
        HttpServer function = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<Map<String, String>> seen = new ArrayList<>();
        function.createContext("/api/certificate", exchange -> {
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            seen.add(headers);
            TestIssuer.respond(exchange, 403, "{\"code\":\"domain_not_allowed\",\"detail\":\"signed by the test\"}");
        });
        function.start();
        String secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        Path credentials = dir.resolve("aws-credentials");
        Files.writeString(credentials, "AWS_ACCESS_KEY_ID=AKIDEXAMPLE\nAWS_SECRET_ACCESS_KEY=" + secret + "\nAWS_SESSION_TOKEN=session-token-example\n");
        Path argv = dir.resolve("curl-argv");
        Path shims = shim(dir, "curl", "printf '%s\\n' \"$*\" >> " + argv + "\nexec " + realCommand("curl") + " \"$@\"");
        try {
            Path tmp = Files.createDirectories(dir.resolve("tmp"));
            Run signed = run(dir, Map.of("AWS_REGION", "eu-west-1", "PATH", shims + ":" + System.getenv("PATH"), "TMPDIR", tmp.toString()),
                    "--server", "http://127.0.0.1:" + function.getAddress().getPort(), "--identity", "aws-iam",
                    "--aws-credentials", credentials.toString(), "--domain", "iam.certfn.test",
                    "--cert", dir.resolve("iam.crt").toString(), "--key", dir.resolve("iam.key").toString());
            assertEquals(1, signed.exit(), signed.out());
            assertTrue(signed.out().contains("signed by the test"), signed.out());
            assertEquals(1, seen.size());
            String authorization = seen.get(0).get("Authorization");
            assertTrue(authorization.matches("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/eu-west-1/lambda/aws4_request, "
                    + "SignedHeaders=[a-z;-]*host;[a-z;-]*x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}"), authorization);
            assertEquals("session-token-example", seen.get(0).get("x-amz-security-token"));
            String commandLines = Files.readString(argv);
            assertTrue(commandLines.contains("--aws-sigv4 aws:amz:eu-west-1:lambda"), commandLines);
            assertTrue(!commandLines.contains(secret) && !commandLines.contains("session-token-example"), commandLines);
            try (var left = Files.list(tmp)) {
                assertEquals(List.of(), left.toList(), "the key pair's file is gone with the run");
            }

            Run noCredentials = run(dir, Map.of("AWS_REGION", "eu-west-1"), "--identity", "aws-iam", "--domain", "iam.certfn.test",
                    "--cert", "c", "--key", "k");
            assertEquals(2, noCredentials.exit(), noCredentials.out());
            assertTrue(noCredentials.out().contains("aws configure export-credentials"), noCredentials.out());
        } finally {
            function.stop(0);
        }
    }

    @Test
    void badUsageIsExitTwoNamingTheOption(@TempDir Path dir) throws Exception {
        Run noDomain = run(dir, Map.of(), "--cert", "a", "--key", "b");
        assertEquals(2, noDomain.exit(), noDomain.out());
        assertTrue(noDomain.out().contains("--domain"), noDomain.out());
        Run badIdentity = run(dir, Map.of(), "--identity", "ldap", "--domain", "x.certfn.test", "--cert", "a", "--key", "b");
        assertEquals(2, badIdentity.exit());
        assertTrue(badIdentity.out().contains("not 'ldap'"), badIdentity.out());
        Run noKey = run(dir, Map.of("CERTFN_API_KEY", ""), "--domain", "x.certfn.test", "--cert", "a", "--key", "b");
        assertEquals(2, noKey.exit());
        assertTrue(noKey.out().contains("--api-key-file or CERTFN_API_KEY"), noKey.out());
    }

    /** A folder holding an executable {@code name} running {@code body} (sh), to put first on PATH. */
    private static Path shim(Path dir, String name, String body) throws IOException {
        Path shims = Files.createDirectories(dir.resolve("shims-" + name));
        Path file = shims.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return shims;
    }

    private static String realCommand(String name) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "command -v " + name).start();
        String path = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), name + " is installed");
        return path;
    }

    @Test
    void plainHttpToAnotherMachineIsRefusedBeforeAnythingIsSent(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("api-key"), OPS);
        for (String server : List.of("http://certfn.example.com", "http://localhost:1@certfn.example.com", "certfn.example.com")) {
            Run r = run(dir, Map.of(), "--server", server, "--domain", "x.certfn.test", "--cert", dir.resolve("c").toString(),
                    "--key", dir.resolve("k").toString(), "--api-key-file", dir.resolve("api-key").toString());
            assertEquals(2, r.exit(), server + ": " + r.out());
            assertTrue(r.out().contains("--server"), r.out());
        }
        Run http = run(dir, Map.of(), "--server", "http://certfn.example.com", "--domain", "x.certfn.test", "--cert", "c", "--key", "k",
                "--api-key-file", dir.resolve("api-key").toString());
        assertTrue(http.out().contains("plain HTTP") && http.out().contains("127.0.0.1, localhost or [::1]"), http.out());
    }

    @Test
    void aWildcardNameReachesCertfnAsWrittenWhateverFilesAreAround(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.certfn.test"), "a file the shell would match");
        Run r = fetch(dir, "*.certfn.test", NARROW);
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("'*.certfn.test'"), "the name was sent as written, not expanded: " + r.out());
    }

    @Test
    void aSymlinkedTargetIsWrittenThroughKeepingItsOwnerGroupAndMode(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        Files.writeString(real.resolve("key.pem"), "old key\n");
        Files.writeString(real.resolve("cert.pem"), "old cert\n");
        Files.setPosixFilePermissions(real.resolve("key.pem"), PosixFilePermissions.fromString("rw-r-----"));
        java.nio.file.attribute.PosixFileAttributeView view = Files.getFileAttributeView(real.resolve("key.pem"),
                java.nio.file.attribute.PosixFileAttributeView.class);
        java.nio.file.attribute.GroupPrincipal group = view.readAttributes().group();
        if ("root".equals(System.getProperty("user.name"))) {
            group = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("daemon");
            view.setGroup(group);
        }
        Files.createSymbolicLink(dir.resolve("tls.key"), real.resolve("key.pem"));
        Files.createSymbolicLink(dir.resolve("tls.crt"), real.resolve("cert.pem"));
        Run r = fetch(dir, "linked.certfn.test", OPS);
        assertEquals(0, r.exit(), r.out());
        assertTrue(Files.isSymbolicLink(dir.resolve("tls.key")) && Files.isSymbolicLink(dir.resolve("tls.crt")), "the links stay");
        assertTrue(Files.readString(real.resolve("key.pem")).contains("PRIVATE KEY"), "written through to the link's target");
        assertTrue(Files.readString(real.resolve("cert.pem")).contains("BEGIN CERTIFICATE"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(real.resolve("key.pem"))), "mode kept");
        assertEquals(group, Files.readAttributes(real.resolve("key.pem"), java.nio.file.attribute.PosixFileAttributes.class).group(),
                "group kept");
        assertEquals(List.of(), leftovers(real));
    }

    @Test
    void aFailureBetweenTheTwoRenamesPutsThePreviousKeyBack(@TempDir Path dir) throws Exception {
        assertEquals(0, fetch(dir, "rollback.certfn.test", OPS).exit());
        byte[] cert = Files.readAllBytes(dir.resolve("tls.crt"));
        byte[] key = Files.readAllBytes(dir.resolve("tls.key"));
        TestStore.makeDue(store, "rollback.certfn.test");
        // The certificate's rename fails (a full disk, a read-only bind mount): mv fails for that target only.
        Path shims = shim(dir, "mv", "for last; do :; done\ncase $last in *tls.crt) echo 'mv: cannot move: No space left' >&2; exit 1 ;; esac\n"
                + "exec " + realCommand("mv") + " \"$@\"");
        Path keyFile = dir.resolve("api-key");
        Run failed = run(dir, Map.of("PATH", shims + ":" + System.getenv("PATH")), "--domain", "rollback.certfn.test",
                "--cert", dir.resolve("tls.crt").toString(), "--key", dir.resolve("tls.key").toString(), "--api-key-file", keyFile.toString());
        assertEquals(4, failed.exit(), failed.out());
        assertTrue(failed.out().contains("the previous key and certificate are in place"), failed.out());
        assertArrayEquals(key, Files.readAllBytes(dir.resolve("tls.key")), "the previous key is back");
        assertArrayEquals(cert, Files.readAllBytes(dir.resolve("tls.crt")), "beside its own certificate");
        assertEquals(List.of(), leftovers(dir));
        Run again = fetch(dir, "rollback.certfn.test", OPS);
        assertEquals(0, again.exit(), again.out());
        assertInstalled(dir, "rollback.certfn.test");
    }

    @Test
    void aFailedReloadIsRunAgainByTheNextRunEvenWhenNothingChanged(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("api-key");
        Files.writeString(keyFile, OPS);
        String reload = "[ -f " + dir.resolve("server-up") + " ] && echo reloaded >> " + dir.resolve("reloads");
        String[] args = {"--domain", "reload.certfn.test", "--cert", dir.resolve("tls.crt").toString(), "--key",
            dir.resolve("tls.key").toString(), "--api-key-file", keyFile.toString(), "--reload", reload};
        Run first = run(dir, Map.of(), args);
        assertEquals(5, first.exit(), first.out());
        assertTrue(first.out().contains("the next run tries again"), first.out());
        Files.writeString(dir.resolve("server-up"), "");
        Run second = run(dir, Map.of(), args);
        assertEquals(0, second.exit(), second.out());
        assertTrue(second.out().contains("reloading, the last reload failed"), second.out());
        assertEquals(1, reloads(dir));
        assertEquals(0, run(dir, Map.of(), args).exit());
        assertEquals(1, reloads(dir), "once it succeeded, an unchanged certificate reloads nothing");
    }

    @Test
    void limitsAndBusyAnswersWithRetryAfterAreWaitedOutWithinMaxWait(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("api-key"), OPS);
        String answer = certfn.post("/api/certificate", "APIKey " + OPS, "{\"domain\":\"busy.certfn.test\"}").body();
        // certfn as it answers under load: a shared quota, the CA failing, a lease held; then the certificate.
        List<String> answers = new ArrayList<>(List.of("429 too_many_requests", "502 acme_error", "503 lock_busy"));
        HttpServer busy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        busy.createContext("/", exchange -> {
            if (answers.isEmpty()) {
                TestIssuer.respond(exchange, 200, answer);
                return;
            }
            String[] next = answers.remove(0).split(" ");
            exchange.getResponseHeaders().add("Retry-After", "1");
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            TestIssuer.respond(exchange, Integer.parseInt(next[0]), "{\"code\":\"" + next[1] + "\",\"detail\":\"busy\"}");
        });
        busy.start();
        try {
            String server = "http://127.0.0.1:" + busy.getAddress().getPort();
            String[] args = {"--server", server, "--domain", "busy.certfn.test", "--cert", dir.resolve("tls.crt").toString(),
                "--key", dir.resolve("tls.key").toString(), "--api-key-file", dir.resolve("api-key").toString()};
            Run r = run(dir, Map.of(), args);
            assertEquals(0, r.exit(), r.out());
            assertTrue(r.out().contains("certfn answered 429 too_many_requests; asking again in 1s")
                    && r.out().contains("certfn answered 502 acme_error; asking again in 1s")
                    && r.out().contains("certfn answered 503 lock_busy; asking again in 1s"), r.out());
            assertInstalled(dir, "busy.certfn.test");
            answers.add("429 too_many_requests");
            Run limited = run(dir, Map.of(), concat(args, "--max-wait", "0"));
            assertEquals(1, limited.exit(), limited.out());
            assertTrue(limited.out().contains("certfn refused (429 too_many_requests, 1 Retry-After beyond --max-wait 0s): busy"),
                    limited.out());
        } finally {
            busy.stop(0);
        }
    }

    /** A Google-shaped ID token for the VM's service account, as the metadata server mints it. */
    private static String idToken(String audience) {
        return TestIssuer.googleIdToken(googleKey, "117000000000000000042", EMAIL, audience, 3600);
    }
}
