package io.certfn.bench;

import io.certfn.testing.AcmeStack;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/** The issuance certfn does, written directly with acme4j and dnsjava: the floor to compare with. */
public final class PlainAcme {

    /**
     * Issues one certificate per domain read from stdin, answering {@code ok} or the error on stdout;
     * {@code args[0]} is the folder of the stack (dev/stack.sh's stack.env) to order from.
     */
    public static void main(String[] args) throws Exception {
        PlainAcme plain = new PlainAcme(AcmeStack.attach(Path.of(args[0])));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String domain = in.readLine(); domain != null; domain = in.readLine()) {
            try {
                if (domain.startsWith("parallel ")) {
                    plain.issueAtOnce(List.of(domain.substring("parallel ".length()).split(",")));
                } else if (domain.startsWith("concurrent ")) {
                    String[] parts = domain.split(" ", 3);
                    plain.issueConcurrently(Integer.parseInt(parts[1]), List.of(parts[2].split(",")));
                } else {
                    plain.issue(domain);
                }
                System.out.println("ok");
            } catch (Exception e) {
                System.out.println("failed: " + e);
            }
            System.out.flush();
        }
    }

    final Login login;
    final SimpleResolver dns;
    final java.security.KeyPair accountKey;
    final java.util.function.Supplier<Session> sessions;
    /** Logins on sessions of their own for parallel orders, made once and reused (a session reads the directory once). */
    final java.util.Deque<Login> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();

    PlainAcme(AcmeStack stack) throws Exception {
        SSLContext ssl = trusting(Path.of(stack.get("ACME_TRUST_STORE")));
        GenericAcmeProvider provider = new GenericAcmeProvider() {
            @Override
            public HttpClient createHttpClient(NetworkSettings settings) {
                return HttpClient.newBuilder().sslContext(ssl).connectTimeout(settings.getTimeout()).build();
            }
        };
        sessions = () -> new Session(URI.create(stack.get("ACME_DIRECTORY")), provider);
        Session session = sessions.get();
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        accountKey = gen.generateKeyPair();
        login = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey).createLogin(session);
        String[] server = stack.get("DNS_SERVER").split(":");
        dns = new SimpleResolver(new InetSocketAddress(server[0], Integer.parseInt(server[1])));
        dns.setTSIGKey(new TSIG(Name.fromString(stack.get("TSIG_ALGORITHM") + "."),
                Name.fromString(stack.get("TSIG_KEY_NAME") + "."), Base64.getDecoder().decode(stack.get("TSIG_SECRET"))));
        zone = Name.fromString(stack.get("ZONE") + ".");
    }

    final Name zone;

    /** Each name on its own thread and session, at the same moment; returns when all are issued. */
    void issueAtOnce(List<String> domains) throws Exception {
        issueConcurrently(domains.size(), domains);
    }

    /** The names ordered {@code threads} at a time, each thread on a session of its own; returns when all are issued. */
    void issueConcurrently(int count, List<String> domains) throws Exception {
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(count);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (String domain : domains) {
                done.add(threads.submit(() -> {
                    Login own = idle.pollFirst();
                    if (own == null) {
                        own = sessions.get().login(login.getAccountLocation(), accountKey);
                    }
                    issue(own, domain);
                    idle.offerFirst(own);
                    return null;
                }));
            }
            for (var d : done) {
                d.get();
            }
        } finally {
            threads.shutdown();
        }
    }

    void issue(String domain) throws Exception {
        issue(login, domain);
    }

    /**
     * One certificate; a dropped connection is ordered again once, as certfn's CaRetry treats it as
     * transient too (a 2026-12-07 run lost a whole bench to one such error on the plain side), and the
     * retry counts in the time.
     */
    void issue(Login login, String domain) throws Exception {
        try {
            issueOnce(login, domain);
        } catch (org.shredzone.acme4j.exception.AcmeNetworkException e) {
            issueOnce(login, domain);
        }
    }

    private void issueOnce(Login login, String domain) throws Exception {
        Order order = login.newOrder().domain(domain).create();
        List<TXTRecord> records = new ArrayList<>();
        List<Dns01Challenge> challenges = new ArrayList<>();
        for (var auth : order.getAuthorizations()) {
            Dns01Challenge ch = auth.findChallenge(Dns01Challenge.class).orElseThrow();
            TXTRecord txt = new TXTRecord(Name.fromString(ch.getRRName(auth.getIdentifier())), DClass.IN, 60, ch.getDigest());
            Update add = new Update(zone);
            add.add(txt);
            dns.send(add);
            records.add(txt);
            challenges.add(ch);
        }
        for (TXTRecord txt : records) {
            while (!visible(txt)) {
                Thread.sleep(50);
            }
        }
        for (Dns01Challenge ch : challenges) {
            ch.trigger();
        }
        for (Dns01Challenge ch : challenges) {
            if (await(ch, Status.VALID, Status.INVALID) != Status.VALID) {
                throw new IllegalStateException("challenge failed");
            }
        }
        for (TXTRecord txt : records) {
            Update delete = new Update(zone);
            delete.delete(txt);
            dns.send(delete);
        }
        await(order, Status.READY, Status.INVALID);
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        order.execute(gen.generateKeyPair());
        if (await(order, Status.VALID, Status.INVALID) != Status.VALID) {
            throw new IllegalStateException("order failed");
        }
        order.getCertificate().getCertificateChain();
    }

    /**
     * Polls as certfn does (50 ms doubling to 3 s, or the CA's Retry-After) rather than with
     * acme4j's fixed 3 s, so that an occasional 3 s wait in this column does not decide the ratio.
     */
    static Status await(org.shredzone.acme4j.PollableResource resource, Status... until) throws Exception {
        Set<Status> wanted = Set.of(until);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long pause = 50;
        Status status = resource.getStatus();
        while (!wanted.contains(status)) {
            java.util.Optional<java.time.Instant> retryAfter = resource.fetch();
            status = resource.getStatus();
            if (wanted.contains(status)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("still " + status + " after 60 s");
            }
            Thread.sleep(retryAfter.map(t -> Math.max(0, Duration.between(java.time.Instant.now(), t).toMillis())).orElse(pause));
            pause = Math.min(pause * 2, 3000);
        }
        return status;
    }

    boolean visible(TXTRecord txt) throws IOException {
        Message response = dns.send(Message.newQuery(Record.newRecord(txt.getName(), Type.TXT, DClass.IN)));
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof TXTRecord t && t.getStrings().containsAll(txt.getStrings())) {
                return true;
            }
        }
        return false;
    }
    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(pem)));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    /**
     * Plain acme4j in a JVM of its own, started for a section as certfn's process is: a JVM that
     * earlier sections warmed (this one sent them 100 000 requests) would compare warm code with cold.
     */
    record Client(Process process, BufferedWriter commands, BufferedReader answers) implements AutoCloseable {

        static Client start(Rig rig) throws Exception {
            Process p = rig.stopAtTheEnd(new ProcessBuilder(Rig.java(), "-cp", System.getProperty("java.class.path"),
                    PlainAcme.class.getName(), rig.stack.dir().toString())
                    .redirectError(ProcessBuilder.Redirect.appendTo(rig.work.resolve("plain-acme4j.log").toFile())).start());
            return new Client(p, new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)),
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
        }

        void issue(String domain) throws IOException {
            commands.write(domain);
            commands.newLine();
            commands.flush();
            String answer = answers.readLine();
            if (!"ok".equals(answer)) {
                throw new IllegalStateException("plain acme4j failed for " + domain + ": " + answer);
            }
        }

        /** The names ordered at the same moment, each on a session of its own. */
        void issueAtOnce(List<String> domains) throws IOException {
            issue("parallel " + String.join(",", domains));
        }

        /** The names ordered {@code threads} at a time. */
        void issueConcurrently(int threads, List<String> domains) throws IOException {
            issue("concurrent " + threads + " " + String.join(",", domains));
        }

        void stop() throws Exception {
            commands.close();
            Rig.stop(process);
        }

        @Override
        public void close() throws Exception {
            stop();
        }
    }
}
