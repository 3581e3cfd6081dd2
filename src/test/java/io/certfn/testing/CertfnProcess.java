package io.certfn.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A certfn server in its own JVM, started from the packaged application
 * ({@code target/quarkus-app/quarkus-run.jar}) with its configuration as environment variables,
 * the way a function host runs it. {@link #kill()} is SIGKILL: no shutdown hooks, no cleanup.
 */
public final class CertfnProcess implements AutoCloseable {

    /** The tests' heap: a function's memory, and many processes on one machine. */
    private static final List<String> TEST_FLAGS = List.of("-Xmx256m");

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private CertfnProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts certfn with {@code config} ({@code certfn.*} keys) and waits until it answers. */
    public static CertfnProcess start(Map<String, String> config) throws Exception {
        return start(config, "QUARKUS_HTTP_PORT");
    }

    /**
     * Starts certfn the way the Azure Functions host starts a custom handler: told its port only
     * in {@code FUNCTIONS_CUSTOMHANDLER_PORT}.
     */
    public static CertfnProcess startAsCustomHandler(Map<String, String> config) throws Exception {
        return start(config, "FUNCTIONS_CUSTOMHANDLER_PORT");
    }

    /** Starts certfn with {@code config} in a JVM with {@code jvmFlags} (the bench: the same flags as its baseline). */
    public static CertfnProcess start(Map<String, String> config, List<String> jvmFlags) throws Exception {
        CertfnProcess certfn = launch(config, jvmFlags);
        certfn.awaitHealthy();
        return certfn;
    }

    /** Starts certfn without waiting for it: for timing its start-up from the process's first moment. */
    public static CertfnProcess launch(Map<String, String> config, List<String> jvmFlags) throws IOException {
        return launch(config, "QUARKUS_HTTP_PORT", jvmFlags);
    }

    private static CertfnProcess start(Map<String, String> config, String portVariable) throws Exception {
        CertfnProcess certfn = launch(config, portVariable, TEST_FLAGS);
        certfn.awaitHealthy();
        return certfn;
    }

    /** Starts certfn with {@code config}, expecting start-up to fail; returns its output. */
    public static String startFailing(Map<String, String> config) throws Exception {
        CertfnProcess certfn = launch(config, "QUARKUS_HTTP_PORT", TEST_FLAGS);
        if (!certfn.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            certfn.kill();
            throw new AssertionError("certfn kept running:\n" + certfn.log());
        }
        if (certfn.process.exitValue() == 0) {
            throw new AssertionError("certfn exited 0:\n" + certfn.log());
        }
        return certfn.log();
    }

    private static CertfnProcess launch(Map<String, String> config, String portVariable, List<String> jvmFlags) throws IOException {
        String jar = System.getProperty("certfn.app.jar", "target/quarkus-app/quarkus-run.jar");
        // make native-test: the same tests against the native executable of a release build.
        String nativeBinary = System.getProperty("certfn.app.native", "");
        int port = freePort();
        Path log = Files.createTempFile("certfn-process", ".log");
        List<String> command = new ArrayList<>();
        if (nativeBinary.isEmpty()) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmFlags);
            command.addAll(List.of("-jar", jar));
        } else {
            command.add(Path.of(nativeBinary).toAbsolutePath().toString());
            command.addAll(jvmFlags);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put(portVariable, String.valueOf(port));
        for (Map.Entry<String, String> e : config.entrySet()) {
            env.put(e.getKey().toUpperCase().replaceAll("[.\\-]", "_"), e.getValue());
        }
        return new CertfnProcess(builder.start(), port, log);
    }

    /** POSTs {@code body} to {@code path} with {@code authorization}; returns status and body. */
    public HttpResponse<String> post(String path, String authorization, String body) throws IOException, InterruptedException {
        return post(path, Map.of("Authorization", authorization), body);
    }

    /** POSTs {@code body} to {@code path} with {@code headers}; returns status and body. */
    public HttpResponse<String> post(String path, Map<String, String> headers, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST /api/renewals} as {@code authorization}: the sweep's report, after checking it is a {@code 200}. */
    public com.fasterxml.jackson.databind.JsonNode sweep(String authorization) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/renewals", authorization, "");
        if (r.statusCode() != 200) {
            throw new AssertionError("POST /api/renewals answered " + r.statusCode() + ": " + r.body() + "\n" + log());
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    /** GETs {@code path}; returns status and body. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The URL of {@code path} on this process ({@code ""} for its base URL). */
    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The process id (for its RSS in /proc). */
    public long pid() {
        return process.pid();
    }

    /** The process's output so far, for failure messages. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGKILL, as a crash or a function host's freeze-and-reap would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGSTOP: every thread stops where it is, as when a function host freezes an idle instance. */
    public void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT after {@link #freeze()}: the threads go on, and the clock has moved. */
    public void thaw() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            kill();
        }
    }

    private void awaitHealthy() throws Exception {
        Await.atMost(Duration.ofSeconds(60)).every(Duration.ofMillis(50)).until("certfn healthy (/healthz 2xx)", () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("certfn exited with " + process.exitValue() + ":\n" + log());
            }
            return get("/healthz").statusCode() / 100 == 2;
        }, this::log);
    }

    /** A TCP port on 127.0.0.1 that nothing listens on right now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A config map from key/value pairs merged over {@code base}. */
    public static Map<String, String> config(Map<String, String> base, String... pairs) {
        Map<String, String> config = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            config.put(pairs[i], pairs[i + 1]);
        }
        return config;
    }
}
