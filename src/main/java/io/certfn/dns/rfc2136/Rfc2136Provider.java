package io.certfn.dns.rfc2136;

import io.certfn.dns.DnsConfig;import io.certfn.dns.ChallengeRecord;
import io.certfn.dns.DnsException;
import io.certfn.dns.DnsProvider;
import io.certfn.dns.HostPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * DNS-01 through dynamic updates (RFC 2136) signed with TSIG (RFC 8945), for BIND, Knot,
 * PowerDNS and any server that accepts them. The zone is configured or found by asking the
 * server for the record name's SOA.
 */
public final class Rfc2136Provider implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(Rfc2136Provider.class);

    private final InetSocketAddress server;
    private final Optional<Name> zone;
    private final TSIG tsig;
    private final long ttl;
    /** Zones found by SOA lookup, by record name: publish and remove ask for the same name. */
    private final Map<Name, Name> zones = new ConcurrentHashMap<>();

    Rfc2136Provider(InetSocketAddress server, Optional<Name> zone, TSIG tsig, Duration ttl) {
        this.server = server;
        this.zone = zone;
        this.tsig = tsig;
        this.ttl = ttl.toSeconds();
    }

    /**
     * Builds the provider from {@code certfn.dns.rfc2136.*}.
     *
     * @throws IllegalStateException naming the missing or malformed key
     */
    public static Rfc2136Provider fromConfig(DnsConfig.Rfc2136 config) {
        String server = config.server().orElseThrow(() -> new IllegalStateException(
                "certfn.dns.rfc2136.server is required for certfn.dns.provider=rfc2136 (host[:port] of the primary DNS server)"));
        InetSocketAddress address = HostPort.parse(server, "certfn.dns.rfc2136.server");
        Optional<Name> zone = config.zone().map(z -> absolute(z, "certfn.dns.rfc2136.zone"));
        TSIG tsig = null;
        if (config.tsigKeyName().isPresent() || config.tsigSecret().isPresent()) {
            Name keyName = absolute(config.tsigKeyName().orElseThrow(() -> new IllegalStateException(
                    "certfn.dns.rfc2136.tsig-key-name is required when certfn.dns.rfc2136.tsig-secret is set")),
                    "certfn.dns.rfc2136.tsig-key-name");
            String secret = config.tsigSecret().orElseThrow(() -> new IllegalStateException(
                    "certfn.dns.rfc2136.tsig-secret is required when certfn.dns.rfc2136.tsig-key-name is set"));
            byte[] key;
            try {
                key = Base64.getDecoder().decode(secret.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("certfn.dns.rfc2136.tsig-secret is not base64: " + e.getMessage());
            }
            // dnsjava only knows the algorithm by its absolute name ("hmac-sha256.").
            Name algorithm = absolute(config.tsigAlgorithm(), "certfn.dns.rfc2136.tsig-algorithm");
            tsig = new TSIG(algorithm, keyName, key);
        }
        return new Rfc2136Provider(address, zone, tsig, config.ttl());
    }

    @Override
    public void publish(ChallengeRecord record) {
        Name name = absolute(record.name(), "record name");
        Update update = new Update(zoneOf(name));
        LOG.debugf("Zone of %s is %s", name, update.getQuestion().getName());
        update.add(new TXTRecord(name, DClass.IN, ttl, record.value()));
        send(update, "add TXT " + record.name());
        LOG.debugf("Published TXT %s", record.name());
    }

    @Override
    public void prepare(String name) {
        zoneOf(absolute(name, "record name"));
    }

    /** The server answers; with certfn.dns.rfc2136.zone, it serves that zone (its SOA). */
    @Override
    public void check() {
        Name target = zone.orElse(Name.root);
        Message response = query(Message.newQuery(Record.newRecord(target, Type.SOA, DClass.IN)), "SOA lookup for " + target);
        if (zone.isPresent() && response.getSection(Section.ANSWER).stream().noneMatch(r -> r instanceof SOARecord)) {
            throw new DnsException("The DNS server " + describe() + " does not serve the zone " + target
                    + " (certfn.dns.rfc2136.zone): no SOA in its answer (" + Rcode.string(response.getRcode()) + ").");
        }
    }

    @Override
    public void remove(ChallengeRecord record) {
        Name name = absolute(record.name(), "record name");
        Update update = new Update(zoneOf(name));
        update.delete(new TXTRecord(name, DClass.IN, 0, record.value()));
        send(update, "delete TXT " + record.name());
        zones.remove(name);
        LOG.debugf("Removed TXT %s", record.name());
    }

    private Name zoneOf(Name name) {
        if (zone.isPresent()) {
            return zone.get();
        }
        Name known = zones.get(name);
        if (known != null) {
            return known;
        }
        Message response = query(Message.newQuery(Record.newRecord(name, Type.SOA, DClass.IN)), "SOA lookup for " + name);
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
            for (Record r : response.getSection(section)) {
                if (r instanceof SOARecord) {
                    zones.put(name, r.getName());
                    return r.getName();
                }
            }
        }
        throw new DnsException("The DNS server " + describe() + " is not authoritative for " + name
                + " (no SOA in its answer); set certfn.dns.rfc2136.zone or point certfn.dns.rfc2136.server at the zone's primary.");
    }

    private void send(Update update, String what) {
        Message response = query(update, what);
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR) {
            String hint = rcode == Rcode.NOTAUTH || rcode == Rcode.REFUSED
                    ? " (check the TSIG key name, secret and algorithm, and the server's update ACL)" : "";
            throw new DnsException("The DNS server " + describe() + " refused to " + what + ": " + Rcode.string(rcode) + hint + ".");
        }
    }

    private Message query(Message message, String what) {
        try {
            SimpleResolver resolver = new SimpleResolver(server);
            resolver.setTimeout(Duration.ofSeconds(5));
            if (tsig != null) {
                resolver.setTSIGKey(tsig);
            }
            return resolver.send(message);
        } catch (IOException e) {
            throw new DnsException("The DNS server " + describe() + " did not answer (" + what + "): " + e.getMessage(), e);
        }
    }

    private String describe() {
        return server.getHostString() + ":" + server.getPort();
    }

    private static Name absolute(String name, String what) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalStateException(what + " '" + name + "' is not a valid DNS name: " + e.getMessage());
        }
    }
}
