package io.certfn.dns;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code certfn.dns.*}: DNS-01 — the provider that writes the records, and how propagation is checked.
 */
@ConfigMapping(prefix = "certfn.dns")
public interface DnsConfig {
    /** {@code certfn.dns.provider}: the DNS API that publishes challenge records. */
    @WithDefault("rfc2136")
    String provider();

    /** {@code certfn.dns.propagation-timeout}: longest wait until the zone's servers answer. */
    @WithName("propagation-timeout")
    @WithDefault("2m")
    Duration propagationTimeout();

    /**
     * {@code certfn.dns.propagation-wait}: extra wait after the record is visible, for
     * secondaries that the authoritative check cannot see.
     */
    @WithName("propagation-wait")
    @WithDefault("0s")
    Duration propagationWait();

    /**
     * {@code certfn.dns.resolver}: {@code host[:port]} of the recursive resolver used to find
     * a name's zone, the zone's name servers and CNAMEs; default: the system's resolvers.
     */
    Optional<String> resolver();

    /**
     * {@code certfn.dns.ip-version}: which addresses of the zone's name servers the
     * propagation check asks: {@code auto} (all; a server counts as answering when one of its
     * addresses does, an unreachable family is skipped with one warning), {@code 4} (IPv4
     * only, for IPv4-only egress where IPv6 packets are dropped silently rather than refused)
     * or {@code 6}.
     */
    @WithName("ip-version")
    @WithDefault("auto")
    String ipVersion();

    /**
     * {@code certfn.dns.delegation-zones}: zones a challenge name's CNAME may point into (e.g. an
     * acme-dns zone whose names do not start with {@code _acme-challenge}); CNAME targets elsewhere
     * must be {@code _acme-challenge.*} names. Comma separated; none by default.
     */
    @WithName("delegation-zones")
    Optional<java.util.List<String>> delegationZones();

    /** {@code certfn.dns.nameserver-port}: the port the zone's name servers are asked on (tests use another). */
    @WithName("nameserver-port")
    @WithDefault("53")
    int nameserverPort();

    /** {@code certfn.dns.rfc2136.*}: dynamic updates (RFC 2136) signed with TSIG. */
    Rfc2136 rfc2136();

    /** {@code certfn.dns.route53.*}: Amazon Route 53 with the function's role. */
    Route53 route53();

    /** {@code certfn.dns.azure.*}: Azure DNS through ARM with the managed identity. */
    AzureDns azure();

    /** {@code certfn.dns.gcp.*}: Google Cloud DNS with the service account. */
    Gcp gcp();

    /** {@code certfn.dns.cloudflare.*}: Cloudflare with an API token. */
    Cloudflare cloudflare();

    /** {@code certfn.dns.ttl}: TTL of challenge records at the cloud providers. */
    @WithDefault("60s")
    Duration ttl();

    interface Route53 {
        /** {@code certfn.dns.route53.hosted-zone-id}: skip the zone lookup (e.g. {@code Z123...}). */
        @WithName("hosted-zone-id")
        Optional<String> hostedZoneId();

        /** {@code certfn.dns.route53.endpoint}: another Route 53 endpoint (tests). */
        Optional<String> endpoint();
    }

    interface AzureDns {
        /** {@code certfn.dns.azure.subscription-id}: required with {@code provider=azure}. */
        @WithName("subscription-id")
        Optional<String> subscriptionId();

        /** {@code certfn.dns.azure.resource-group}: required with {@code provider=azure}. */
        @WithName("resource-group")
        Optional<String> resourceGroup();

        /** {@code certfn.dns.azure.zone}: the zone name; default: the longest match among the group's zones. */
        Optional<String> zone();

        /** {@code certfn.dns.azure.endpoint}: the ARM endpoint. */
        @WithDefault("https://management.azure.com")
        String endpoint();

        /** {@code certfn.dns.azure.access-token}: a fixed ARM token instead of the managed identity (tests). Secret. */
        @WithName("access-token")
        Optional<String> accessToken();
    }

    interface Gcp {
        /** {@code certfn.dns.gcp.project}: required with {@code provider=gcp}. */
        Optional<String> project();

        /** {@code certfn.dns.gcp.managed-zone}: the zone's resource name; default: the longest match. */
        @WithName("managed-zone")
        Optional<String> managedZone();

        /** {@code certfn.dns.gcp.endpoint}: the Cloud DNS API root. */
        @WithDefault("https://dns.googleapis.com")
        String endpoint();

        /** {@code certfn.dns.gcp.access-token}: a fixed OAuth token instead of the service account (tests). Secret. */
        @WithName("access-token")
        Optional<String> accessToken();
    }

    interface Cloudflare {
        /** {@code certfn.dns.cloudflare.api-token}: a token with Zone.DNS:Edit (and Zone:Read for the lookup). Secret. */
        @WithName("api-token")
        Optional<String> apiToken();

        /** {@code certfn.dns.cloudflare.zone-id}: skip the zone lookup. */
        @WithName("zone-id")
        Optional<String> zoneId();

        /** {@code certfn.dns.cloudflare.endpoint}: the API root. */
        @WithDefault("https://api.cloudflare.com/client/v4")
        String endpoint();
    }

    interface Rfc2136 {
        /** {@code certfn.dns.rfc2136.server}: {@code host[:port]} of the primary server. */
        Optional<String> server();

        /** {@code certfn.dns.rfc2136.zone}: the zone to update; found by SOA lookup if absent. */
        Optional<String> zone();

        /** {@code certfn.dns.rfc2136.tsig-key-name}: the TSIG key's name. */
        @WithName("tsig-key-name")
        Optional<String> tsigKeyName();

        /** {@code certfn.dns.rfc2136.tsig-secret}: the TSIG secret, base64. Secret. */
        @WithName("tsig-secret")
        Optional<String> tsigSecret();

        /** {@code certfn.dns.rfc2136.tsig-algorithm}: e.g. {@code hmac-sha256}. */
        @WithName("tsig-algorithm")
        @WithDefault("hmac-sha256")
        String tsigAlgorithm();

        /** {@code certfn.dns.rfc2136.ttl}: TTL of the challenge record. */
        @WithDefault("60s")
        Duration ttl();
    }
}
