package io.certfn.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.TestStore;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * certfn as an Azure Functions custom handler (the native Azure build): the app's real
 * host.json and function.json files (deploy-azure/custom-handler) read the way the Functions host
 * reads them, and the packaged server started the way the host starts it (port only in {@code
 * FUNCTIONS_CUSTOMHANDLER_PORT}) and called the way the host calls it — HTTP requests forwarded
 * with their own path, the timer as an invocation payload POSTed to {@code /<function name>}.
 */
class CustomHandlerIT {

    private static final String KEY = "custom-handler-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path APP = Path.of("deploy-azure/custom-handler");

    private static AcmeStack stack;
    private static Path store;
    private static CertfnProcess handler;

    @BeforeAll
    static void start() throws Exception {
        stack = AcmeStack.start(Map.of());
        store = Files.createTempDirectory("certfn-custom-handler");
        handler = CertfnProcess.startAsCustomHandler(config());
    }

    @AfterAll
    static void stop() throws Exception {
        if (handler != null) {
            handler.close();
        }
        stack.close();
    }

    private static Map<String, String> config() {
        Map<String, String> config = new HashMap<>(stack.certfnConfig());
        config.put("certfn.store.file.path", store.toString());
        config.put("certfn.auth.api-keys", "ops=" + KEY);
        return config;
    }

    /** The host's invocation payload for a timer function (trigger data and metadata). */
    private static String timerInvocation() throws IOException {
        return JSON.writeValueAsString(Map.of(
                "Data", Map.of("timer", Map.of("Schedule", Map.of("AdjustForDST", true), "IsPastDue", false)),
                "Metadata", Map.of("sys", Map.of("MethodName", "renewals", "UtcNow", Instant.now().toString(),
                        "RandGuid", UUID.randomUUID().toString()))));
    }

    @Test
    void theHostStartsTheExecutableThePackageHoldsAndForwardsHttp() throws Exception {
        JsonNode host = JSON.readTree(APP.resolve("host.json").toFile());
        assertEquals("2.0", host.path("version").asText());
        assertEquals("certfn", host.at("/customHandler/description/defaultExecutablePath").asText());
        assertTrue(host.at("/customHandler/enableForwardingHttpRequest").asBoolean(), "HTTP requests reach certfn as they are");
        assertEquals("", host.at("/extensions/http/routePrefix").asText("(unset)"), "certfn's own paths are the URLs");

        Path runner = Files.createTempFile("certfn-runner", "");
        Files.writeString(runner, "#!/bin/sh\nexec true\n");
        Path out = Files.createTempDirectory("certfn-package").resolve("azure-custom-handler");
        Process script = new ProcessBuilder("bash", "deploy-azure/package-custom-handler.sh", runner.toString(), out.toString())
                .redirectErrorStream(true).start();
        String output = new String(script.getInputStream().readAllBytes());
        assertEquals(0, script.waitFor(), output);
        assertTrue(Files.isExecutable(out.resolve("certfn")), "the executable host.json names, runnable");
        Set<String> entries = new TreeSet<>();
        try (ZipFile zip = new ZipFile(out.resolveSibling("azure-custom-handler.zip").toFile())) {
            zip.stream().forEach(e -> entries.add(e.getName()));
        }
        assertTrue(entries.containsAll(List.of("host.json", "certfn", "api/function.json", "healthz/function.json",
                "renewals/function.json")), entries.toString());

        Process missing = new ProcessBuilder("bash", "deploy-azure/package-custom-handler.sh", out.resolve("none").toString(),
                out.resolveSibling("other").toString()).redirectErrorStream(true).start();
        String refusal = new String(missing.getInputStream().readAllBytes());
        assertEquals(1, missing.waitFor());
        assertTrue(refusal.contains("-Pazure-handler -Dnative"), refusal);
        assertTrue(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("certfn"))).startsWith("rwx"));
    }

    @Test
    void onlyTheApiAndHealthzAreRoutedFromOutside() throws Exception {
        List<String> routes = new ArrayList<>();
        try (var functions = Files.list(APP)) {
            for (Path dir : functions.filter(Files::isDirectory).toList()) {
                for (JsonNode binding : JSON.readTree(dir.resolve("function.json").toFile()).path("bindings")) {
                    if (binding.path("type").asText().equals("httpTrigger")) {
                        assertEquals("anonymous", binding.path("authLevel").asText(), "certfn authenticates every call itself");
                        routes.add(binding.path("route").asText());
                    }
                }
            }
        }
        for (String path : List.of("api/certificate", "api/certificate/renew", "api/renewals", "healthz")) {
            assertTrue(routes.stream().anyMatch(route -> matches(route, path)), path + " is routed by " + routes);
        }
        String schedule = JSON.readTree(APP.resolve("renewals/function.json").toFile()).at("/bindings/0/schedule").asText();
        assertTrue(Files.readString(Path.of("src/azure/java/io/certfn/cloud/azure/RenewalTimer.java"))
                .contains("schedule = \"" + schedule + "\""), "both Azure builds renew on one schedule: " + schedule);
        for (String path : List.of("renewals", "q/health", "")) {
            assertFalse(routes.stream().anyMatch(route -> matches(route, path)), path + " must not be routed: " + routes);
        }
    }

    /** ASP.NET route templates as the Functions host uses them: literals, {name}, {*catchAll}. */
    private static boolean matches(String template, String path) {
        String[] t = template.split("/", -1);
        String[] p = path.split("/", -1);
        for (int i = 0; i < t.length; i++) {
            if (t[i].startsWith("{*")) {
                return true;
            }
            if (i >= p.length || p[i].isEmpty() || !(t[i].startsWith("{") || t[i].equalsIgnoreCase(p[i]))) {
                return false;
            }
        }
        return t.length == p.length;
    }

    @Test
    void aForwardedRequestIsServedOnTheHandlersPort() throws Exception {
        HttpResponse<String> ok = handler.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"handler.certfn.test\"}");
        assertEquals(200, ok.statusCode(), ok.body() + handler.log());
        assertEquals("handler.certfn.test", JSON.readTree(ok.body()).path("domain").asText());

        HttpResponse<String> refused = handler.post("/api/certificate", "APIKey wrong-key-0123456789", "{\"domain\":\"x.certfn.test\"}");
        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals("invalid_credentials", JSON.readTree(refused.body()).path("code").asText());
    }

    @Test
    void theTimerInvocationRenewsWhatIsDueAndAnswersTheHostsPayload() throws Exception {
        HttpResponse<String> first = handler.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"handler-timer.certfn.test\"}");
        assertEquals(200, first.statusCode(), first.body());
        String serial = JSON.readTree(first.body()).path("serial").asText();
        TestStore.makeDue(store, "handler-timer.certfn.test");

        HttpResponse<String> invoked = handler.post("/renewals", Map.of(), timerInvocation());
        assertEquals(200, invoked.statusCode(), invoked.body() + handler.log());
        JsonNode result = JSON.readTree(invoked.body());
        assertTrue(result.path("Outputs").isObject(), invoked.body());
        assertTrue(result.path("Logs").get(0).asText().startsWith("certfn renewals: "), invoked.body());
        assertTrue(result.at("/ReturnValue/renewed").asInt() >= 1, invoked.body());
        assertEquals(0, result.at("/ReturnValue/failed").asInt(), invoked.body());
        assertNotEquals(serial, TestStore.serial(store, "handler-timer.certfn.test"), "the timer renewed the due certificate");
    }

    @Test
    void outsideTheFunctionsHostTheTimerEntryDoesNotExist() throws Exception {
        try (CertfnProcess plain = CertfnProcess.start(config())) {
            HttpResponse<String> r = plain.post("/renewals", Map.of(), timerInvocation());
            assertEquals(404, r.statusCode(), r.body());
            JsonNode problem = JSON.readTree(r.body());
            assertEquals("not_found", problem.path("code").asText(), r.body());
            assertTrue(problem.path("detail").asText().contains("POST /api/renewals"), r.body());
        }
    }
}
