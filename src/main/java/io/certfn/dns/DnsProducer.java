package io.certfn.dns;

import io.certfn.config.CertfnConfig;
import io.certfn.dns.azure.AzureDnsProvider;
import io.certfn.dns.cloudflare.CloudflareProvider;
import io.certfn.dns.gcp.CloudDnsProvider;
import io.certfn.dns.rfc2136.Rfc2136Provider;
import io.certfn.dns.route53.Route53Provider;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Produces;

/** Chooses the DNS provider from {@code certfn.dns.provider}. */
@Singleton
public class DnsProducer {

    @Produces
    @Singleton
    DnsLookup lookup(CertfnConfig config) {
        return new DnsLookup(config.dns().resolver().map(r -> HostPort.parse(r, "certfn.dns.resolver")),
                config.dns().nameserverPort());
    }

    @Produces
    @Singleton
    PropagationCheck propagation(DnsLookup lookup) {
        return new PropagationCheck(lookup);
    }

    @Produces
    @Singleton
    DnsProvider provider(CertfnConfig config) {
        return forConfig(config.dns());
    }

    /** The provider {@code certfn.dns.provider} names, built from its settings. */
    public static DnsProvider forConfig(CertfnConfig.Dns dns) {
        String provider = dns.provider();
        return switch (provider) {
            case "rfc2136" -> Rfc2136Provider.fromConfig(dns.rfc2136());
            case "route53" -> Route53Provider.fromConfig(dns);
            case "azure" -> AzureDnsProvider.fromConfig(dns);
            case "gcp" -> CloudDnsProvider.fromConfig(dns);
            case "cloudflare" -> CloudflareProvider.fromConfig(dns);
            default -> throw new IllegalStateException("certfn.dns.provider '" + provider
                    + "' is not supported; supported: rfc2136, route53, azure, gcp, cloudflare");
        };
    }
}
