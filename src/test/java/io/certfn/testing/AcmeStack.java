package io.certfn.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The real Pebble CA and Knot DNS server, started by {@code dev/stack.sh} (the same script
 * {@code make run} uses) on free 127.0.0.1 ports, and the facts tests check against them: orders
 * Pebble created, Pebble's root, TXT records Knot serves.
 */
public final class AcmeStack implements AutoCloseable {

    private static final Path SCRIPT = Path.of("dev/stack.sh").toAbsolutePath();

    private final Path dir;
    private final Map<String, String> env;

    private AcmeStack(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    /** Starts a stack; {@code overrides} are STACK_* settings of dev/stack.sh. */
    public static AcmeStack start(Map<String, String> overrides) {
        run("install");
        IllegalStateException last = null;
        // Ports are picked free at random; another run on this machine may take one between the
        // check and the bind. Such a clash fails loudly, and a fresh set of ports is tried.
        for (int attempt = 0; attempt < 3; attempt++) {
            Path dir;
            try {
                dir = Files.createTempDirectory("certfn-stack");
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the ACME stack", e);
            }
            try {
                run(overrides, "start", dir.toString());
                return attach(dir);
            } catch (IllegalStateException e) {
                last = e;
                try {
                    run("stop", dir.toString());
                } catch (IllegalStateException ignored) {
                    // nothing was left running
                }
            }
        }
        throw last;
    }

    /** A view of a stack another piece of the test (a Quarkus test resource) started. */
    public static AcmeStack attach(Path dir) {
        Map<String, String> env = new HashMap<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("stack.env"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    env.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("no stack at " + dir, e);
        }
        return new AcmeStack(dir, env);
    }

    public Path dir() {
        return dir;
    }

    /** A setting from stack.env, e.g. ACME_DIRECTORY. */
    public String get(String key) {
        String value = env.get(key);
        if (value == null) {
            throw new IllegalStateException("stack.env has no " + key);
        }
        return value;
    }

    public String zone() {
        return get("ZONE");
    }

    /** certfn settings pointing at this stack (CA, trust, RFC 2136 with TSIG). */
    public Map<String, String> certfnConfig() {
        Map<String, String> config = new java.util.HashMap<>();
        config.put("certfn.acme.directory", get("ACME_DIRECTORY"));
        config.put("certfn.acme.trust-store", get("ACME_TRUST_STORE"));
        config.put("certfn.dns.rfc2136.server", get("DNS_SERVER"));
        config.put("certfn.dns.rfc2136.tsig-key-name", get("TSIG_KEY_NAME"));
        config.put("certfn.dns.rfc2136.tsig-secret", get("TSIG_SECRET"));
        config.put("certfn.dns.rfc2136.tsig-algorithm", get("TSIG_ALGORITHM"));
        // Knot is the zone's only name server (ns.certfn.test = 127.0.0.1), on its test port.
        config.put("certfn.dns.resolver", get("DNS_SERVER"));
        config.put("certfn.dns.nameserver-port", get("DNS_SERVER").substring(get("DNS_SERVER").lastIndexOf(':') + 1));
        // The suite orders hundreds of certificates under certfn.test, many with one key; the shared
        // quotas are tested where they are set low (SharedQuotasTest, OrderLimitsIT).
        config.put("certfn.limits.new-certificates-per-registered-domain", "1000000");
        config.put("certfn.limits.new-certificates-per-hour", "1000000");
        return Map.copyOf(config);
    }

    /** How many orders Pebble has created so far (from its log). */
    public int orderCount() {
        try {
            return (int) Files.readAllLines(Path.of(get("PEBBLE_LOG"))).stream()
                    .filter(l -> l.contains("Added order")).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Pebble's root certificate (it makes a new one at every start). */
    public X509Certificate root() {
        return root(0);
    }

    /** Pebble's root number {@code n}: 0 is the default chain's, the others its alternates' ({@code PEBBLE_ALTERNATE_ROOTS}). */
    public X509Certificate root(int n) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(management("/roots/" + n)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot fetch Pebble's root", e);
        }
    }

    /**
     * What Pebble's management API says of the certificate with {@code serialHex}: {@code Valid}
     * or {@code Revoked}, and for a revoked one its {@code Reason} code.
     */
    public com.fasterxml.jackson.databind.JsonNode certificateStatus(String serialHex) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(management("/cert-status-by-serial/" + serialHex));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] management(String path) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            trust.setCertificateEntry("pebble-listener", cf.generateCertificate(Files.newInputStream(Path.of(get("ACME_TRUST_STORE")))));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(get("PEBBLE_MANAGEMENT") + path)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Pebble's management API: GET " + path + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Pebble's management API: GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Adds {@code record} to the zone with a TSIG-signed dynamic update (e.g. a CNAME that
     * delegates a challenge name, or another NS).
     */
    public void addRecord(String owner, int type, String data) {
        update("add", owner, type, data);
    }

    /** Removes what {@link #addRecord} added, so a test leaves the zone as it found it. */
    public void removeRecord(String owner, int type, String data) {
        update("delete", owner, type, data);
    }

    private void update(String change, String owner, int type, String data) {
        String record = owner + " " + Type.string(type) + " " + data;
        try {
            Name zone = Name.fromString(zone() + ".");
            org.xbill.DNS.Update update = new org.xbill.DNS.Update(zone);
            Record r = Record.fromString(Name.fromString(owner, zone), type, DClass.IN, 60, data, zone);
            if (change.equals("add")) {
                update.add(r);
            } else {
                update.delete(r);
            }
            SimpleResolver resolver = resolver();
            resolver.setTSIGKey(new org.xbill.DNS.TSIG(Name.fromString(get("TSIG_ALGORITHM") + "."),
                    Name.fromString(get("TSIG_KEY_NAME") + "."), java.util.Base64.getDecoder().decode(get("TSIG_SECRET"))));
            Message answer = resolver.send(update);
            if (answer.getRcode() != 0) {
                throw new IllegalStateException("the DNS server refused to " + change + " " + record + ": "
                        + org.xbill.DNS.Rcode.string(answer.getRcode()));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private SimpleResolver resolver() {
        String[] server = get("DNS_SERVER").split(":");
        return new SimpleResolver(new InetSocketAddress(server[0], Integer.parseInt(server[1])));
    }

    /** The TXT values Knot serves at {@code name} (absolute, no trailing dot). */
    public List<String> txt(String name) {
        try {
            Message response = resolver().send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.TXT, DClass.IN)));
            List<String> values = new ArrayList<>();
            for (Record r : response.getSection(Section.ANSWER)) {
                if (r instanceof TXTRecord txt) {
                    values.addAll(txt.getStrings());
                }
            }
            return values;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        run("stop", dir.toString());
    }

    private static void run(String... args) {
        run(Map.of(), args);
    }

    private static void run(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(SCRIPT.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("dev/stack.sh " + String.join(" ", args) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
