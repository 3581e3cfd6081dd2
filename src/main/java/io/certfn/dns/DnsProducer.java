package io.certfn.dns;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;

/** Chooses the DNS provider from {@code certfn.dns.provider}. */
@Singleton
public class DnsProducer {

    @Produces
    @Singleton
    DnsLookup lookup(DnsConfig config) {
        return new DnsLookup(config.resolver().map(r -> HostPort.parse(r, "certfn.dns.resolver")),
                config.nameserverPort(), DnsLookup.IpVersion.parse(config.ipVersion()),
                config.delegationZones().orElse(java.util.List.of()));
    }

    @Produces
    @Singleton
    PropagationCheck propagation(DnsLookup lookup) {
        return new PropagationCheck(lookup);
    }

    @Produces
    @Singleton
    DnsProvider provider(DnsConfig config, Instance<DnsBackend> backends) {
        return forConfig(config, backends.stream().toList());
    }

    /**
     * The provider {@code certfn.dns.provider} names, among those this build holds.
     *
     * @throws IllegalStateException when this build has no such provider, or a setting is missing
     */
    public static DnsProvider forConfig(DnsConfig dns, List<? extends DnsBackend> backends) {
        String provider = dns.provider();
        for (DnsBackend backend : backends) {
            if (backend.name().equals(provider)) {
                return backend.create(dns);
            }
        }
        throw new IllegalStateException("certfn.dns.provider '" + provider + "' is not supported by this build; supported: "
                + String.join(", ", backends.stream().map(DnsBackend::name).sorted().toList())
                + " (route53, azure and gcp are in the builds for their cloud and in the default build)");
    }
}
