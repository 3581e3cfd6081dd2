package io.certfn.dns;

import io.certfn.config.CertfnConfig;
import io.certfn.dns.rfc2136.Rfc2136Provider;
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
        String provider = config.dns().provider();
        if (provider.equals("rfc2136")) {
            return Rfc2136Provider.fromConfig(config.dns().rfc2136());
        }
        throw new IllegalStateException("certfn.dns.provider '" + provider
                + "' is not supported by this build; supported: rfc2136");
    }
}
