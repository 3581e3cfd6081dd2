package io.certfn.dns.rfc2136;

import io.certfn.dns.DnsConfig;import io.certfn.dns.DnsBackend;
import io.certfn.dns.DnsProvider;
import jakarta.inject.Singleton;

/** {@code certfn.dns.provider=rfc2136}, in every build. */
@Singleton
public class Rfc2136Backend implements DnsBackend {

    @Override
    public String name() {
        return "rfc2136";
    }

    @Override
    public DnsProvider create(DnsConfig config) {
        return Rfc2136Provider.fromConfig(config.rfc2136());
    }
}
