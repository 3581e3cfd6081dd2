package io.certfn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Load from {@code wrk} in a process of its own (one thread, 16 connections), and the Lua scripts of its POSTs. */
final class Wrk {

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern LATENCY = Pattern.compile("^\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);

    private final Path work;

    Wrk(Path work) {
        this.work = work;
    }

    /** A script POSTing the stored bench.certfn.test with {@code authorization}. */
    Path post(String authorization) throws IOException {
        return post(authorization, "bench.certfn.test", false);
    }

    /** A wrk script POSTing a request for {@code domain}; with {@code close}, one connection per request. */
    Path post(String authorization, String domain, boolean close) throws IOException {
        Path script = Files.createTempFile(work, "post", ".lua");
        Files.writeString(script, "wrk.method = \"POST\"\n"
                + "wrk.body = '{\"domain\":\"" + domain + "\"}'\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                + "wrk.headers[\"Authorization\"] = \"" + authorization + "\"\n"
                + (close ? "wrk.headers[\"Connection\"] = \"close\"\n" : ""));
        return script;
    }

    /** {@code seconds} of load on {@code url} (GET, or {@code script}'s request): requests per second, p50 and p99 in ms. */
    Map<String, Double> run(String url, Path script, int seconds) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t1", "-c16", "-d" + seconds + "s", "--latency"));
        if (script != null) {
            cmd.addAll(List.of("-s", script.toString()));
        }
        cmd.add(url);
        String out = Rig.exec(cmd);
        if (out.contains("Non-2xx or 3xx responses")) {
            throw new IllegalStateException("benchmark requests failed:\n" + out);
        }
        Map<String, Double> r = new LinkedHashMap<>();
        Matcher m = RPS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no wrk result:\n" + out);
        }
        r.put("rps", Double.parseDouble(m.group(1)));
        Matcher p = LATENCY.matcher(out);
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
}
