package io.certfn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * lego (Debian's package), the Go ACME client le-cert-server is built on: the peer a user choosing
 * a tool compares certfn with. One new certificate per call, against the bench's own Pebble and
 * DNS server over RFC 2136, with its propagation check off ({@code --dns.disable-cp}) and its DNS
 * polling at its smallest (1 s), its account kept in one folder across calls as certfn keeps its own.
 */
final class Lego {

    private final Map<String, String> stack;
    private final Path dir;

    private Lego(Map<String, String> stack, Path dir) {
        this.stack = stack;
        this.dir = dir;
    }

    /** lego for the bench's stack, or null when the machine has none (bench/run.sh installs it). */
    static Lego find(Rig rig) throws IOException, InterruptedException {
        Process which = new ProcessBuilder("sh", "-c", "command -v lego").start();
        if (which.waitFor() != 0) {
            return null;
        }
        return new Lego(rig.stack.certfnConfig(), Files.createDirectories(rig.work.resolve("lego")));
    }

    /** Issues {@code name}; the wall time in ms. */
    double issue(String name) throws Exception {
        String dns = stack.get("certfn.dns.rfc2136.server");
        ProcessBuilder builder = new ProcessBuilder(List.of("lego", "--server", stack.get("certfn.acme.directory"),
                "--email", "bench@certfn.test", "--accept-tos", "--dns", "rfc2136", "--dns.disable-cp", "--dns.resolvers", dns,
                "--domains", name, "--path", dir.toString(), "run"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("lego.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("LEGO_CA_CERTIFICATES", stack.get("certfn.acme.trust-store"));
        env.put("RFC2136_NAMESERVER", dns);
        env.put("RFC2136_TSIG_KEY", stack.get("certfn.dns.rfc2136.tsig-key-name"));
        env.put("RFC2136_TSIG_SECRET", stack.get("certfn.dns.rfc2136.tsig-secret"));
        env.put("RFC2136_TSIG_ALGORITHM", "hmac-sha256.");
        env.put("RFC2136_POLLING_INTERVAL", "1");
        env.put("RFC2136_PROPAGATION_TIMEOUT", "120");
        long t0 = System.nanoTime();
        Process lego = builder.start();
        if (!lego.waitFor(180, TimeUnit.SECONDS) || lego.exitValue() != 0) {
            lego.destroyForcibly();
            throw new IllegalStateException("lego could not issue " + name + ":\n" + Files.readString(dir.resolve("lego.log")));
        }
        return Rig.ms(t0);
    }
}
