package io.certfn.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DNS questions certfn asks of the public DNS, with dnsjava and no cache (a cached NXDOMAIN
 * or an old CNAME would be wrong a minute later): which zone holds a name, which servers are
 * authoritative for it, and where a CNAME points.
 *
 * <p>Just over ~250 lines: resolver set-up, zone, name-server and CNAME lookups share one resolver and
 * one way of asking, and the CNAME rule belongs where targets are followed.
 */
public final class DnsLookup {

    private static final int MAX_CNAME_CHAIN = 8;

    private final Optional<InetSocketAddress> configured;
    private final int nameserverPort;
    private final IpVersion ipVersion;
    /** Built at the first lookup: dnsjava's resolver classes cost a cold process ~35 ms that a cached answer never needs. */
    private volatile Resolver resolver;
    private volatile String resolverName;
    private final List<String> delegationZones;

    /**
     * @param resolver a recursive resolver, or empty for the system's ({@code /etc/resolv.conf})
     * @param nameserverPort the port authoritative servers are asked on (53; tests use another)
     */
    public DnsLookup(Optional<InetSocketAddress> resolver, int nameserverPort) {
        this(resolver, nameserverPort, IpVersion.AUTO);
    }

    /** @param ipVersion which addresses of a zone's name servers are returned ({@code certfn.dns.ip-version}) */
    public DnsLookup(Optional<InetSocketAddress> resolver, int nameserverPort, IpVersion ipVersion) {
        this(resolver, nameserverPort, ipVersion, List.of());
    }

    /**
     * @param delegationZones zones a challenge CNAME may point into whatever its target's first label
     *     ({@code certfn.dns.delegation-zones}); elsewhere only {@code _acme-challenge.*} targets are followed
     */
    public DnsLookup(Optional<InetSocketAddress> resolver, int nameserverPort, IpVersion ipVersion, List<String> delegationZones) {
        this.configured = resolver;
        this.nameserverPort = nameserverPort;
        this.ipVersion = ipVersion;
        this.delegationZones = delegationZones.stream().map(z -> z.strip().toLowerCase(java.util.Locale.ROOT))
                .map(z -> z.endsWith(".") ? z.substring(0, z.length() - 1) : z).filter(z -> !z.isEmpty()).toList();
    }

    /** {@code certfn.dns.ip-version}: the address families of name servers to ask. */
    public enum IpVersion {
        AUTO(Type.A, Type.AAAA), V4(Type.A), V6(Type.AAAA);

        private final int[] types;

        IpVersion(int... types) {
            this.types = types;
        }

        /** {@code auto}, {@code 4} or {@code 6}; anything else is a start-up error naming the key. */
        public static IpVersion parse(String value) {
            return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "auto" -> AUTO;
                case "4", "ipv4" -> V4;
                case "6", "ipv6" -> V6;
                default -> throw new IllegalStateException("certfn.dns.ip-version must be auto, 4 or 6, not '" + value + "'");
            };
        }
    }

    private Resolver resolver() {
        Resolver current = resolver;
        if (current == null) {
            synchronized (this) {
                if (resolver == null) {
                    build();
                }
                current = resolver;
            }
        }
        return current;
    }

    private void build() {
        if (configured.isPresent()) {
            SimpleResolver simple = new SimpleResolver(configured.get());
            simple.setTimeout(Duration.ofSeconds(3));
            resolverName = configured.get().getHostString() + ":" + configured.get().getPort();
            resolver = simple;
        } else {
            // Re-reads /etc/resolv.conf at construction; each server is a SimpleResolver of its own.
            ExtendedResolver system = new ExtendedResolver(ResolverConfig.getCurrentConfig().servers().stream()
                    .map(s -> (Resolver) new SimpleResolver(s)).toList());
            system.setTimeout(Duration.ofSeconds(3));
            resolverName = "the system resolver " + ResolverConfig.getCurrentConfig().servers();
            resolver = system;
        }
    }

    /**
     * Where {@code name} leads after following CNAMEs; {@code name} itself when it has none.
     *
     * @throws DnsException when a target is no host name, or the last one is neither an {@code
     *     _acme-challenge} name nor in a delegation zone
     */
    public String canonicalName(String name) {
        Name current = absolute(name);
        for (int i = 0; i < MAX_CNAME_CHAIN; i++) {
            Name owner = current;
            Optional<Name> target = ask(owner, Type.CNAME).getSection(Section.ANSWER).stream()
                    .filter(r -> r instanceof CNAMERecord && r.getName().equals(owner))
                    .map(r -> ((CNAMERecord) r).getTarget()).findFirst();
            if (target.isEmpty()) {
                if (i > 0) {
                    // Where the record will be written; the names a chain passes through are only read.
                    requireChallengeTarget(name, relative(current));
                }
                return relative(current);
            }
            requireHostName(name, target.get());
            current = target.get();
        }
        throw new DnsException("The CNAME chain from " + name + " is longer than " + MAX_CNAME_CHAIN + " links.");
    }

    /**
     * A CNAME target comes from DNS that the owner of the name controls, and becomes a name in
     * certfn's DNS API calls: only host names (letters, digits, hyphens, underscores) are followed,
     * so no target can carry a path, query or escape into a provider's URL.
     */
    private static void requireHostName(String from, Name target) {
        String text = relative(target);
        if (text.isEmpty() || text.length() > 253 || !text.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
            throw new DnsException("The challenge name " + from + " is a CNAME to '" + io.certfn.error.LogText.of(text)
                    + "', which is not a host name; certfn writes challenge records only at host names.");
        }
    }

    /**
     * A challenge CNAME is written by whoever controls the name, and certfn then writes a TXT record
     * at its target with its own DNS credentials: a target such as {@code _dmarc.example.com} in a
     * zone certfn manages would add a second DMARC record there. So a target must be a challenge
     * name itself ({@code _acme-challenge.*}, as acme-dns and every DNS-01 delegation guide set it
     * up) or lie in a zone the operator named for delegation.
     */
    private void requireChallengeTarget(String from, String target) {
        String lower = target.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("_acme-challenge.") || delegationZones.stream().anyMatch(z -> lower.equals(z) || lower.endsWith("." + z))) {
            return;
        }
        throw new DnsException("The challenge name " + from + " is a CNAME to '" + target + "', which is neither an _acme-challenge"
                + " name nor in a delegation zone (certfn.dns.delegation-zones" + (delegationZones.isEmpty() ? " is empty"
                        : ": " + String.join(", ", delegationZones)) + "); certfn writes challenge records only there, so that a CNAME"
                + " cannot make it write TXT records such as _dmarc at names the caller does not own.");
    }

    /** The apex of the zone that holds {@code name}, from the SOA in the answer or authority section. */
    public String zoneOf(String name) {
        Name target = absolute(name);
        Message answer = ask(target, Type.SOA);
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
            for (Record r : answer.getSection(section)) {
                if (r instanceof SOARecord) {
                    return relative(r.getName());
                }
            }
        }
        throw new DnsException("No zone found for " + name + ": " + resolverName + " returned no SOA record.");
    }

    /** The addresses of the servers named in {@code zone}'s NS records. */
    public List<InetSocketAddress> nameservers(String zone) {
        Name apex = absolute(zone);
        List<InetSocketAddress> servers = new ArrayList<>();
        for (Record r : ask(apex, Type.NS).getSection(Section.ANSWER)) {
            if (r instanceof NSRecord ns) {
                for (InetAddress address : addresses(ns.getTarget())) {
                    servers.add(new InetSocketAddress(address, nameserverPort));
                }
            }
        }
        if (servers.isEmpty()) {
            throw new DnsException("No name servers found for zone " + zone + " at " + resolverName
                    + (ipVersion == IpVersion.AUTO ? "." : " with an " + (ipVersion == IpVersion.V4 ? "IPv4" : "IPv6")
                            + " address (certfn.dns.ip-version)."));
        }
        return servers;
    }

    private List<InetAddress> addresses(Name host) {
        List<InetAddress> addresses = new ArrayList<>();
        for (int type : ipVersion.types) {
            for (Record r : ask(host, type).getSection(Section.ANSWER)) {
                if (r instanceof ARecord a) {
                    addresses.add(a.getAddress());
                } else if (r instanceof AAAARecord aaaa) {
                    addresses.add(aaaa.getAddress());
                }
            }
        }
        return addresses;
    }

    private Message ask(Name name, int type) {
        try {
            Message answer = resolver().send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
            int rcode = answer.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                throw new DnsException("Looking up " + Type.string(type) + " " + name + " at " + resolverName + " failed: "
                        + Rcode.string(rcode) + ".");
            }
            return answer;
        } catch (IOException e) {
            throw new DnsException("Looking up " + Type.string(type) + " " + name + " at " + resolverName
                    + " got no answer: " + e.getMessage(), e);
        }
    }

    static Name absolute(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new DnsException("'" + name + "' is not a valid DNS name.", e);
        }
    }

    private static String relative(Name name) {
        String text = name.toString();
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
