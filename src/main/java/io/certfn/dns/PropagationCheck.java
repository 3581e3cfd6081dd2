package io.certfn.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Waits until every authoritative server of a record's zone (its NS set) answers with the
 * record's value, asking each directly (never a recursive resolver's cache), so whichever server
 * the CA asks has it. A server counts as answering when one of its addresses does: the cloud DNS
 * services publish IPv6 addresses for their name servers, which a function with IPv4-only egress
 * cannot reach, and the CA asks whichever address it can.
 */
public final class PropagationCheck {

    private static final Logger LOG = Logger.getLogger(PropagationCheck.class);
    /** Addresses already reported unreachable: one warning each per process, not one per look. */
    private static final Set<InetSocketAddress> UNREACHABLE = ConcurrentHashMap.newKeySet();

    private final DnsLookup lookup;

    public PropagationCheck(DnsLookup lookup) {
        this.lookup = lookup;
    }

    /**
     * Blocks until each record is visible at every name server of its zone.
     *
     * @throws DnsException naming the records and the servers still without them when {@code timeout} ends
     * @throws InterruptedException when interrupted while waiting
     */
    public void await(Collection<ChallengeRecord> records, Duration timeout) throws InterruptedException {
        await(locate(records), timeout);
    }

    /** The authoritative servers of each record's zone (its NS set, by address). */
    private Map<ChallengeRecord, List<InetSocketAddress>> locate(Collection<ChallengeRecord> records) {
        Map<ChallengeRecord, List<InetSocketAddress>> servers = new LinkedHashMap<>();
        // A wildcard and its apex share a name, and an order's names often share a zone: look each up once.
        Map<String, List<InetSocketAddress>> byZone = new HashMap<>();
        for (ChallengeRecord record : records) {
            servers.put(record, byZone.computeIfAbsent(lookup.zoneOf(record.name()), lookup::nameservers));
        }
        return servers;
    }

    /**
     * The authoritative servers of the zone holding {@code name}.
     *
     * @throws DnsException when the zone or its servers cannot be found
     */
    public List<InetSocketAddress> serversFor(String name) {
        return lookup.nameservers(lookup.zoneOf(name));
    }

    /**
     * Blocks until each record is visible at each of its servers.
     *
     * @throws DnsException naming the records and the servers still without them when {@code timeout} ends
     * @throws InterruptedException when interrupted while waiting
     */
    public static void await(Map<ChallengeRecord, List<InetSocketAddress>> servers, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<String> missing = new ArrayList<>();
        for (int attempt = 0; ; attempt++) {
            missing.clear();
            for (Map.Entry<ChallengeRecord, List<InetSocketAddress>> entry : servers.entrySet()) {
                for (List<InetSocketAddress> server : byServer(entry.getValue()).values()) {
                    if (server.stream().noneMatch(address -> answers(address, entry.getKey()))) {
                        missing.add(entry.getKey().name() + " at " + String.join(" / ", server.stream().map(PropagationCheck::describe).toList()));
                    }
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new DnsException("The challenge TXT record did not become visible at every authoritative name server "
                        + "within " + timeout.toSeconds() + " s; still without it: " + String.join(", ", missing)
                        + " (raise certfn.dns.propagation-timeout if the provider is slow).");
            }
            Thread.sleep(pause(attempt).toMillis());
        }
    }

    /** The addresses grouped by the name server they belong to (its NS target name), in order: IPv4 first. */
    static Map<String, List<InetSocketAddress>> byServer(List<InetSocketAddress> addresses) {
        Map<String, List<InetSocketAddress>> servers = new LinkedHashMap<>();
        for (InetSocketAddress address : addresses) {
            String host = address.getAddress().toString();
            int slash = host.indexOf('/');
            String name = slash <= 0 ? address.getAddress().getHostAddress() : host.substring(0, slash);
            servers.computeIfAbsent(name, n -> new ArrayList<>()).add(address);
        }
        return servers;
    }

    /** {@code ns1.example.net (192.0.2.1:53)}: the name the zone gives the server, and where it was asked. */
    static String describe(InetSocketAddress server) {
        String where = server.getAddress().getHostAddress() + ":" + server.getPort();
        String host = server.getAddress().toString();
        int slash = host.indexOf('/');
        if (slash <= 0) {
            return where;
        }
        String name = host.substring(0, slash);
        return (name.endsWith(".") ? name.substring(0, name.length() - 1) : name) + " (" + where + ")";
    }

    static boolean answers(InetSocketAddress server, ChallengeRecord record) {
        try {
            SimpleResolver resolver = new SimpleResolver(server);
            resolver.setTimeout(Duration.ofSeconds(2));
            Name name = DnsLookup.absolute(record.name());
            Message response = resolver.send(Message.newQuery(Record.newRecord(name, Type.TXT, DClass.IN)));
            if (response.getRcode() != Rcode.NOERROR) {
                return false;
            }
            for (Record answer : response.getSection(Section.ANSWER)) {
                if (answer instanceof TXTRecord txt && txt.getStrings().contains(record.value())) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("unreachable") && UNREACHABLE.add(server)) {
                LOG.warnf("Name server %s cannot be reached from this host (%s); it counts as answering when another of its "
                        + "addresses does", describe(server), e.getMessage());
            }
            return false;
        }
    }

    /**
     * The wait after look {@code attempt}: 10 ms doubling to 1 s. A primary that applied the
     * update answers at once, a secondary within a NOTIFY and a transfer, and a cloud provider's
     * servers within seconds to a minute, asked about once a second instead of ten times.
     */
    static Duration pause(int attempt) {
        return Duration.ofMillis(Math.min(10L << Math.min(attempt, 7), 1000));
    }
}
