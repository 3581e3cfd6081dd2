package io.certfn.dns.azure;

import io.certfn.dns.DnsConfig;import io.certfn.dns.DnsBackend;
import io.certfn.dns.DnsProvider;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;

/** {@code certfn.dns.provider=azure}: in builds with the Azure SDK (its identity library). */
@Singleton
@IfBuildProperty(name = "certfn-build.azure", stringValue = "true", enableIfMissing = true)
public class AzureDnsBackend implements DnsBackend {

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public DnsProvider create(DnsConfig config) {
        return AzureDnsProvider.fromConfig(config);
    }
}
