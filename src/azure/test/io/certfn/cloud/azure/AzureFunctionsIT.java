package io.certfn.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.TestStore;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The packaged Azure Functions app ({@code ./mvnw package -Pazure}) driven through the Java
 * worker's request model by {@link FunctionsWorkerHarness}: its generated function.json files,
 * the HTTP trigger (route {@code {*path}}, behind an empty route prefix) and the renewal timer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureFunctionsIT {

    private static final String KEY = "azure-functions-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path APP = Path.of("target/azure-functions/certfn-0.1.0-SNAPSHOT");

    private AcmeStack stack;
    private Path store;
    private Process worker;
    private BufferedWriter toWorker;
    private BufferedReader fromWorker;
    private Path log;

    @BeforeAll
    void start() throws Exception {
        stack = AcmeStack.start(Map.of());
        store = Files.createTempDirectory("certfn-azure-functions");
        String libraries = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> entry.contains("azure-functions-java") || entry.endsWith("test-classes"))
                .collect(Collectors.joining(java.io.File.pathSeparator));
        String classPath = String.join(java.io.File.pathSeparator,
                APP.resolve("certfn-0.1.0-SNAPSHOT-runner.jar").toString(), APP.resolve("lib").toString() + "/*", libraries);
        log = Files.createTempFile("azure-functions", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, FunctionsWorkerHarness.class.getName()).redirectError(log.toFile());
        Map<String, String> env = builder.environment();
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.store.file.path", store.toString());
        config.put("certfn.auth.api-keys", "ops=" + KEY);
        config.forEach((k, v) -> env.put(k.toUpperCase().replaceAll("[.\\-]", "_"), v));
        worker = builder.start();
        toWorker = new BufferedWriter(new OutputStreamWriter(worker.getOutputStream(), StandardCharsets.UTF_8));
        fromWorker = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
        for (String line = fromWorker.readLine(); !"READY".equals(line); line = fromWorker.readLine()) {
            if (line == null) {
                throw new IllegalStateException("the function app did not start:\n" + Files.readString(log));
            }
        }
    }

    @AfterAll
    void stop() {
        if (worker != null) {
            worker.destroyForcibly();
        }
        stack.close();
    }

    private JsonNode invoke(Map<String, Object> call) throws Exception {
        toWorker.write(JSON.writeValueAsString(call));
        toWorker.newLine();
        toWorker.flush();
        for (String line = fromWorker.readLine(); line != null; line = fromWorker.readLine()) {
            if (line.startsWith("ANSWER ")) {
                return JSON.readTree(line.substring("ANSWER ".length()));
            }
        }
        throw new IllegalStateException("the function app stopped:\n" + Files.readString(log));
    }

    private JsonNode post(String path, Map<String, String> headers, String body) throws Exception {
        return invoke(Map.of("function", "http", "method", "POST", "url", "https://certfn-func.azurewebsites.net" + path,
                "headers", headers, "body", body));
    }

    @Test
    void theGeneratedFunctionsAreAnHttpCatchAllAndTheRenewalTimer() throws Exception {
        JsonNode http = JSON.readTree(APP.resolve("QuarkusHttp/function.json").toFile());
        assertEquals("{*path}", http.path("bindings").get(0).path("route").asText());
        assertEquals("ANONYMOUS", http.path("bindings").get(0).path("authLevel").asText());
        JsonNode timer = JSON.readTree(APP.resolve("renewals/function.json").toFile());
        assertEquals("timerTrigger", timer.path("bindings").get(0).path("type").asText());
        assertEquals("io.certfn.cloud.azure.RenewalTimer.run", timer.path("entryPoint").asText());
        List<String> libs = new ArrayList<>();
        try (var files = Files.list(APP.resolve("lib"))) {
            files.forEach(f -> libs.add(f.getFileName().toString()));
        }
        assertTrue(libs.stream().noneMatch(l -> l.contains("awssdk") || l.contains("google-cloud")), "only Azure's SDK: " + libs);
        // The project's host.json, not the extension's default (extension bundle 3.x is deprecated; no route prefix
        // must not rest on an app setting whose empty value some configuration paths ignore).
        JsonNode host = JSON.readTree(APP.resolve("host.json").toFile());
        assertEquals("[4.*, 5.0.0)", host.at("/extensionBundle/version").asText());
        assertEquals("", host.at("/extensions/http/routePrefix").asText("(unset)"));
        assertEquals("00:10:00", host.path("functionTimeout").asText());
    }

    @Test
    void anApiKeyCallerGetsACertificateAndRefusalsStayProblemJson() throws Exception {
        JsonNode ok = post("/api/certificate", Map.of("Authorization", "APIKey " + KEY, "Content-Type", "application/json"),
                "{\"domain\":\"azure-fn.certfn.test\"}");
        assertEquals(200, ok.path("status").asInt(), ok.toString());
        assertEquals("azure-fn.certfn.test", JSON.readTree(ok.path("body").asText()).path("domain").asText());

        JsonNode refused = post("/api/certificate", Map.of("Content-Type", "application/json"), "{\"domain\":\"x.certfn.test\"}");
        assertEquals(401, refused.path("status").asInt(), refused.toString());
        assertEquals("unauthenticated", JSON.readTree(refused.path("body").asText()).path("code").asText());
    }

    @Test
    void theCustomHandlersTimerEntryIsNotInThisBuild() throws Exception {
        JsonNode r = post("/renewals", Map.of("Content-Type", "application/json"), "{}");
        assertEquals(404, r.path("status").asInt(), r.toString());
    }

    @Test
    void theTimerRenewsWhatIsDue() throws Exception {
        JsonNode first = post("/api/certificate", Map.of("Authorization", "APIKey " + KEY, "Content-Type", "application/json"),
                "{\"domain\":\"azure-timer.certfn.test\"}");
        assertEquals(200, first.path("status").asInt(), first.toString());
        String serial = JSON.readTree(first.path("body").asText()).path("serial").asText();
        TestStore.makeDue(store, "azure-timer.certfn.test");

        invoke(Map.of("function", "renewals"));
        assertNotEquals(serial, TestStore.serial(store, "azure-timer.certfn.test"), "the timer renewed the due certificate");
    }
}
