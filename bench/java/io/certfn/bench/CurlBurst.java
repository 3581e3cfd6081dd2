package io.certfn.bench;

import static io.certfn.bench.Rig.JSON;
import static io.certfn.bench.Rig.KEY;
import static io.certfn.bench.Rig.ms;

import io.certfn.testing.CertfnProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Concurrent first requests sent by curl ({@code --parallel}): one C process with parallel
 * connections per {@link #CURL_PARALLEL_MAX} requests, so the client is not what is measured.
 */
final class CurlBurst {

    /** curl runs at most 300 transfers at once (its own limit); a larger burst is split over several curl processes. */
    static final int CURL_PARALLEL_MAX = 250;

    /** One burst: time to the last response, the slowest request, how much later one process answered than the other. */
    record Burst(double ms, double slowestMs, double lastResponseLagMs) {
    }

    private final Path work;

    CurlBurst(Path work) {
        this.work = work;
    }

    static int clients(int requests) {
        return (requests + CURL_PARALLEL_MAX - 1) / CURL_PARALLEL_MAX;
    }

    /** {@code requests} concurrent POSTs of {@code body}, spread over {@code targets}; every answer must carry one serial. */
    Burst send(List<CertfnProcess> targets, int requests, String body, String tag) throws Exception {
        int clients = clients(requests);
        List<Path> configs = new ArrayList<>();
        List<StringBuilder> lines = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            configs.add(Files.createTempFile(work, "stampede", ".curl"));
            lines.add(new StringBuilder());
        }
        for (int i = 0; i < requests; i++) {
            CertfnProcess target = targets.get(i % targets.size());
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
        List<CompletableFuture<String>> outputs = new ArrayList<>();
        for (Process curl : curls) {
            outputs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        StringBuilder all = new StringBuilder();
        for (int c = 0; c < clients; c++) {
            all.append(outputs.get(c).join());
            curls.get(c).waitFor();
        }
        double ms = ms(t0);
        double slowest = 0;
        Map<String, Double> lastByProcess = new HashMap<>();
        for (String line : all.toString().strip().split("\n")) {
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
}
