package io.certfn.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Closing;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * le-cert-server's documented clients, replayed against a packaged certfn in le-cert-server's
 * pre-shared-key mode (API keys, no policy): its curl + jq recipe (the Traefik cron job), a Go
 * client, its Python example. Written from its public docs and API. Each writes
 * {@code .certificate} and {@code .privateKey} to files without looking at the status, as those
 * clients do; what they wrote must be served by a TLS server as it is and verify against Pebble's
 * root with nothing fetched from elsewhere (no AIA) — curl, Go, Python and Java clients fail with
 * "unable to get local issuer certificate" when the chain is missing.
 */
class LeCertServerClientsIT {

    private static final String KEY = "lecert-psk-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AcmeStack stack;
    private static CertfnProcess certfn;
    private static Path root;

    @BeforeAll
    static void start() throws Exception {
        stack = AcmeStack.start(Map.of());
        certfn = CertfnProcess.start(psk(Files.createTempDirectory("certfn-lecert").toString()));
        root = Files.createTempFile("pebble-root", ".pem");
        Files.writeString(root, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(stack.root().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
    }

    /** le-cert-server's pre-shared key mode: one key, any name. */
    private static Map<String, String> psk(String store) {
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.store.file.path", store);
        config.put("certfn.auth.api-keys", "lecert=" + KEY);
        return config;
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(certfn, stack);
    }

    private static String sh(Path dir, String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return "exit " + p.exitValue() + "\n" + out;
    }

    /**
     * Serves {@code cert} and {@code key} exactly as written with Python's TLS server (which loads the
     * file as nginx and Traefik do: the leaf, then whatever chain follows) and connects with curl
     * trusting only Pebble's root. Returns curl's exit code and message.
     */
    private static String handshake(Path dir, Path cert, Path key, String name) throws Exception {
        Path server = dir.resolve("tls_server.py");
        Files.writeString(server, """
                import socket, ssl, sys
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(sys.argv[1], sys.argv[2])
                s = socket.socket()
                s.bind(("127.0.0.1", 0))
                s.listen(1)
                s.settimeout(60)
                print(s.getsockname()[1], flush=True)
                conn, _ = s.accept()
                try:
                    tls = ctx.wrap_socket(conn, server_side=True)
                    tls.recv(4096)
                    tls.sendall(b"HTTP/1.0 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok")
                    tls.close()
                except Exception as e:
                    print(e, file=sys.stderr)
                """);
        Process tls = new ProcessBuilder("python3", server.toString(), cert.toString(), key.toString()).redirectErrorStream(true).start();
        try {
            String port = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(port != null && port.matches("\\d+"), "the TLS server started: " + port);
            return sh(dir, "curl -sS --max-time 20 --cacert " + root + " --resolve " + name + ":" + port + ":127.0.0.1 https://" + name + ":" + port + "/");
        } finally {
            tls.destroyForcibly();
            tls.waitFor();
        }
    }

    private static void assertServes(Path dir, Path cert, Path key, String name) throws Exception {
        String result = handshake(dir, cert, key, name);
        assertEquals("exit 0\nok", result.strip(), "a TLS server presenting the written files as they are is trusted");
        String verify = sh(dir, "openssl verify -no-CApath -CAfile " + root + " -untrusted " + cert + " " + cert);
        assertTrue(verify.startsWith("exit 0"), verify);
    }

    @Test
    void theTraefikCronRecipeWithCurlAndJqWritesFilesATlsServerPresentsAsTheyAre(@TempDir Path dir) throws Exception {
        // le-cert-server's fetch script: two calls, .certificate and .privateKey to files, no status check.
        String recipe = """
                set -u
                DOMAIN=traefik.certfn.test
                CERT_SERVER=%s
                curl -s -X POST "${CERT_SERVER}/api/certificate" -H "Authorization: APIKey %s" \\
                  -H "Content-Type: application/json" -d "{\\"domain\\": \\"${DOMAIN}\\"}" | jq -r '.certificate' > "${DOMAIN}.crt"
                curl -s -X POST "${CERT_SERVER}/api/certificate" -H "Authorization: APIKey %s" \\
                  -H "Content-Type: application/json" -d "{\\"domain\\": \\"${DOMAIN}\\"}" | jq -r '.privateKey' > "${DOMAIN}.key"
                """.formatted(certfn.url(""), KEY, KEY);
        assertTrue(sh(dir, recipe).startsWith("exit 0"));
        assertServes(dir, dir.resolve("traefik.certfn.test.crt"), dir.resolve("traefik.certfn.test.key"), "traefik.certfn.test");
    }

    @Test
    void theLeafAloneIsWhatBrokeThoseClients(@TempDir Path dir) throws Exception {
        // The same recipe reading 'leaf' (what 'certificate' used to hold): the client cannot build a chain.
        String body = sh(dir, "curl -s -X POST " + certfn.url("/api/certificate") + " -H 'Authorization: APIKey " + KEY
                + "' -d '{\"domain\":\"leafonly.certfn.test\"}' | jq -r .leaf > leaf.crt"
                + " && curl -s -X POST " + certfn.url("/api/certificate") + " -H 'Authorization: APIKey " + KEY
                + "' -d '{\"domain\":\"leafonly.certfn.test\"}' | jq -r .privateKey > leaf.key");
        assertTrue(body.startsWith("exit 0"), body);
        String result = handshake(dir, dir.resolve("leaf.crt"), dir.resolve("leaf.key"), "leafonly.certfn.test");
        assertTrue(result.contains("unable to get local issuer certificate"), result);
    }

    @Test
    void aGoClientsCapitalisedMembersAndAnyAcceptAreUnderstood(@TempDir Path dir) throws Exception {
        // encoding/json marshals an untagged field as "Domain"; PowerShell's ConvertTo-Json and .NET do the same.
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(certfn.url("/api/certificate")))
                .header("Authorization", "APIKey " + KEY).header("Content-Type", "application/json")
                .header("Accept", "text/plain").header("User-Agent", "Go-http-client/1.1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"Domain\":\"go.certfn.test\",\"KeyType\":\"ec384\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode answer = JSON.readTree(r.body());
        assertEquals("go.certfn.test", answer.path("domain").asText());
        Files.writeString(dir.resolve("go.crt"), answer.path("certificate").asText());
        Files.writeString(dir.resolve("go.key"), answer.path("privateKey").asText());
        assertTrue(answer.path("privateKey").asText().startsWith("-----BEGIN PRIVATE KEY-----"));
        assertServes(dir, dir.resolve("go.crt"), dir.resolve("go.key"), "go.certfn.test");
        String curve = sh(dir, "openssl pkey -in go.key -noout -text | grep -i 'NIST CURVE'");
        assertTrue(curve.contains("P-384"), "KeyType in any case is read: " + curve);
    }

    @Test
    void thePythonExampleWritesFilesATlsServerPresentsAsTheyAre(@TempDir Path dir) throws Exception {
        Path client = dir.resolve("client.py");
        Files.writeString(client, """
                import json, sys, urllib.request
                def request_certificate(domain, server_url, key):
                    req = urllib.request.Request(server_url + "/api/certificate", data=json.dumps({"domain": domain}).encode(),
                                                 headers={"Authorization": "APIKey " + key, "Content-Type": "application/json"})
                    try:
                        response = urllib.request.urlopen(req)
                    except urllib.error.HTTPError as e:
                        response = e
                    return json.load(response)
                cert = request_certificate(sys.argv[1], sys.argv[2], sys.argv[3])
                certificate, key = cert["certificate"], cert["privateKey"]
                open(sys.argv[1] + ".crt", "w").write(certificate)
                open(sys.argv[1] + ".key", "w").write(key)
                """);
        String run = sh(dir, "python3 client.py python.certfn.test " + certfn.url("") + " " + KEY);
        assertTrue(run.startsWith("exit 0"), run);
        assertServes(dir, dir.resolve("python.certfn.test.crt"), dir.resolve("python.certfn.test.key"), "python.certfn.test");

        // A new order that outlasts the request: 503, not a 2xx without a certificate, so this client writes nothing.
        Map<String, String> config = psk(Files.createTempDirectory("certfn-lecert-slow").toString());
        config.put("certfn.request.wait", "0s");
        try (CertfnProcess slow = CertfnProcess.start(config)) {
            String pending = sh(dir, "python3 client.py pending.certfn.test " + slow.url("") + " " + KEY);
            assertFalse(pending.startsWith("exit 0"), pending);
            assertTrue(pending.contains("KeyError: 'certificate'"), pending);
            assertFalse(Files.exists(dir.resolve("pending.certfn.test.crt")), "no certificate file is written");
        }
    }

    @Test
    void aPendingOrderIs503ForClientsThatDidNotAskForAsynchronousAnswers() throws Exception {
        Map<String, String> config = psk(Files.createTempDirectory("certfn-lecert-503").toString());
        config.put("certfn.request.wait", "0s");
        config.put("certfn.request.retry-after", "7s");
        try (CertfnProcess slow = CertfnProcess.start(config)) {
            HttpResponse<String> plain = slow.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"plain.certfn.test\"}");
            assertEquals(503, plain.statusCode(), plain.body());
            assertEquals("application/problem+json", plain.headers().firstValue("Content-Type").orElse(""));
            assertEquals("7", plain.headers().firstValue("Retry-After").orElse(""));
            JsonNode problem = JSON.readTree(plain.body());
            assertEquals("order_pending", problem.path("code").asText());
            assertTrue(problem.path("detail").asText().contains("plain.certfn.test is still being ordered"), plain.body());
            assertEquals(problem.path("detail"), problem.path("message"));
            assertTrue(problem.path("certificate").isMissingNode());

            for (String prefer : List.of("respond-async", "wait=0", "respond-async, wait=1")) {
                HttpResponse<String> async = slow.post("/api/certificate", Map.of("Authorization", "APIKey " + KEY, "Prefer", prefer),
                        "{\"domain\":\"async.certfn.test\"}");
                // The order may already be done by the second ask; until then it is 202 with Retry-After.
                assertTrue(async.statusCode() == 202 || async.statusCode() == 200, prefer + ": " + async.body());
                if (async.statusCode() == 202) {
                    assertEquals("pending", JSON.readTree(async.body()).path("status").asText());
                    assertEquals("7", async.headers().firstValue("Retry-After").orElse(""));
                }
            }
        }
    }

    @Test
    void theCredentialIsCheckedBeforeTheBody() throws Exception {
        for (String body : List.of("not json", "{\"domain\":\"bad_name\"}", "{}")) {
            HttpResponse<String> r = certfn.post("/api/certificate", Map.of(), body);
            assertEquals(401, r.statusCode(), r.body());
            assertEquals("unauthenticated", JSON.readTree(r.body()).path("code").asText());
        }
    }

    @Test
    void errorsCarryLeCertServersMessageAndMetadataName() throws Exception {
        HttpResponse<String> empty = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"\"}");
        assertEquals(400, empty.statusCode(), empty.body());
        JsonNode problem = JSON.readTree(empty.body());
        assertEquals("missing_body_param", problem.path("code").asText());
        assertEquals("domain", problem.path("metadata").path("name").asText());
        assertEquals(problem.path("detail"), problem.path("message"));
    }

    @Test
    void healthzIs204WithNoBody() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(certfn.url("/healthz"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, r.statusCode());
        assertEquals("", r.body());
    }
}
