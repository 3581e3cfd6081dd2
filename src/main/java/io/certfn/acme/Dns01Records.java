package io.certfn.acme;

import io.certfn.dns.ChallengeRecord;
import io.certfn.dns.DnsLookup;
import io.certfn.dns.DnsProvider;
import io.certfn.dns.PropagationCheck;
import io.certfn.time.Sleeper;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.challenge.Dns01Challenge;

/**
 * The DNS-01 record work of one CA's orders: where each challenge record goes (after CNAMEs),
 * publishing them, waiting until every authoritative server of their zones answers, removing
 * them. The lookups an order will need start with the order ({@link #forOrder}), beside the CA's
 * round trips; a lookup that fails there is made again only if the CA asks for that record, so its
 * error comes where it always came.
 */
final class Dns01Records {

    private static final Logger LOG = Logger.getLogger(Dns01Records.class);

    private final DnsProvider dns;
    private final DnsLookup lookup;
    private final PropagationCheck propagation;
    private final Duration propagationTimeout;
    private final Duration propagationWait;
    /** Told how long the records took to be seen (a metric). */
    private final Consumer<Duration> propagationSeen;
    private final Sleeper sleeper;
    private final Executor beside;

    Dns01Records(DnsProvider dns, DnsLookup lookup, PropagationCheck propagation, Duration propagationTimeout, Duration propagationWait,
            Consumer<Duration> propagationSeen, Sleeper sleeper, Executor beside) {
        this.dns = dns;
        this.lookup = lookup;
        this.propagation = propagation;
        this.propagationTimeout = propagationTimeout;
        this.propagationWait = propagationWait;
        this.propagationSeen = propagationSeen;
        this.sleeper = sleeper;
        this.beside = beside;
    }

    /** Where a name's challenge record goes (after CNAMEs) and which servers must answer it, being looked up. */
    private record Ahead(CompletableFuture<String> target, CompletableFuture<List<InetSocketAddress>> servers) {
    }

    /** The records of one order; starts the lookups of every name's record at once. */
    OrderRecords forOrder(List<String> names) {
        return new OrderRecords(lookAhead(names));
    }

    /** One order's challenge records: added as the CA names them, published together, removed together. */
    final class OrderRecords {
        private final Map<String, Ahead> ahead;
        private final List<ChallengeRecord> records = new ArrayList<>();
        private final Map<ChallengeRecord, CompletableFuture<List<InetSocketAddress>>> lookedUp = new HashMap<>();
        private final List<ChallengeRecord> published = new ArrayList<>();

        private OrderRecords(Map<String, Ahead> ahead) {
            this.ahead = ahead;
        }

        /** Adds the record the CA asks for at {@code rrName}: at its CNAME target, when it has one. */
        void add(String rrName, String digest) {
            Ahead known = ahead.get(rrName);
            String target = known == null ? lookup.canonicalName(rrName)
                    : result(known.target()).orElseGet(() -> lookup.canonicalName(rrName));
            if (!target.equals(rrName)) {
                LOG.infof("%s is a CNAME: publishing the challenge at %s", rrName, target);
            }
            ChallengeRecord record = new ChallengeRecord(target, digest);
            records.add(record);
            if (known != null) {
                lookedUp.put(record, known.servers());
            }
        }

        /**
         * Publishes every added record, then waits until every authoritative server of their zones
         * answers with it (and {@code certfn.dns.propagation-wait} more). Blocks.
         *
         * @throws io.certfn.dns.DnsException when a record cannot be published or is not seen in time
         */
        void publishAndAwait(OrderFence fence) throws InterruptedException {
            if (records.isEmpty()) {
                return;
            }
            for (ChallengeRecord record : records) {
                fence.check("publishing the challenge record " + record.name());
                dns.publish(record);
                published.add(record);
            }
            Map<ChallengeRecord, List<InetSocketAddress>> servers = new LinkedHashMap<>();
            for (ChallengeRecord record : records) {
                CompletableFuture<List<InetSocketAddress>> known = lookedUp.get(record);
                servers.put(record, (known == null ? Optional.<List<InetSocketAddress>>empty() : result(known))
                        .orElseGet(() -> propagation.serversFor(record.name())));
            }
            long publishedAt = System.nanoTime();
            PropagationCheck.await(servers, propagationTimeout);
            propagationSeen.accept(Duration.ofNanos(System.nanoTime() - publishedAt));
            LOG.debugf("TXT visible at the authoritative servers: %s", published);
            if (!propagationWait.isZero()) {
                sleeper.sleep(propagationWait);
            }
        }

        /** Removes what was published, now (never throws: a record that cannot be removed is logged). */
        void remove(OrderFence fence) {
            Dns01Records.this.remove(published, fence);
        }

        /** Removes what was published beside the caller. */
        CompletableFuture<Void> removeBeside(OrderFence fence) {
            List<ChallengeRecord> done = List.copyOf(published);
            return CompletableFuture.runAsync(() -> Dns01Records.this.remove(done, fence), beside);
        }
    }

    /**
     * Removes the records an earlier attempt at a resumed order published for {@code authorizations}
     * (whose challenges it answered before it stopped): the same name and value again, as DNS-01
     * values depend only on the token and the account key. Removing a value that is gone is a no-op.
     */
    CompletableFuture<Void> removeLeftovers(List<Authorization> authorizations, OrderFence fence) {
        if (authorizations.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> {
            List<ChallengeRecord> leftovers = new ArrayList<>();
            for (Authorization auth : authorizations) {
                try {
                    auth.findChallenge(Dns01Challenge.class).ifPresent(challenge -> {
                        String rrName = stripDot(challenge.getRRName(auth.getIdentifier()));
                        leftovers.add(new ChallengeRecord(lookup.canonicalName(rrName), challenge.getDigest()));
                    });
                } catch (RuntimeException e) {
                    LOG.warnf("Could not find the challenge record an earlier attempt left for %s: %s", auth.getIdentifier().getDomain(),
                            e.getMessage());
                }
            }
            remove(leftovers, fence);
        }, beside);
    }

    /**
     * Starts the DNS lookups each name's challenge record will need, by record name ({@code
     * _acme-challenge.<name>}), before the CA says which names need one: the CNAME target, then its
     * zone at the DNS provider and its authoritative servers side by side.
     */
    private Map<String, Ahead> lookAhead(List<String> names) {
        Map<String, Ahead> ahead = new HashMap<>();
        // An order's names often share a zone: its name servers are looked up once.
        Map<String, CompletableFuture<List<InetSocketAddress>>> zones = new ConcurrentHashMap<>();
        for (String name : names) {
            String rrName = "_acme-challenge." + (name.startsWith("*.") ? name.substring(2) : name);
            ahead.computeIfAbsent(rrName, rr -> {
                CompletableFuture<String> target = CompletableFuture.supplyAsync(() -> lookup.canonicalName(rr), beside);
                target.thenAcceptAsync(dns::prepare, beside);
                CompletableFuture<List<InetSocketAddress>> servers = target.thenApplyAsync(lookup::zoneOf, beside)
                        .thenCompose(zone -> zones.computeIfAbsent(zone,
                                z -> CompletableFuture.supplyAsync(() -> lookup.nameservers(z), beside)));
                return new Ahead(target, servers);
            });
        }
        return ahead;
    }

    /** The looked-up value, waiting for it; empty when the lookup failed. */
    private static <T> Optional<T> result(CompletableFuture<T> lookup) {
        try {
            return Optional.of(lookup.join());
        } catch (RuntimeException e) {
            LOG.debugf("A lookup made ahead of the order failed (%s); making it again", e.getMessage());
            return Optional.empty();
        }
    }

    /** Removes the records; those of an order another instance took over are left to it (it may share them). */
    private void remove(List<ChallengeRecord> records, OrderFence fence) {
        for (ChallengeRecord record : records) {
            try {
                fence.check("removing the challenge record " + record.name());
                dns.remove(record);
            } catch (RuntimeException e) {
                LOG.warnf("Could not remove TXT %s: %s", record.name(), e.getMessage());
            }
        }
    }

    /** {@code name} without its trailing dot. */
    static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
