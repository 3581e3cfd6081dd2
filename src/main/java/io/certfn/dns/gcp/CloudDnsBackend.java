package io.certfn.dns.gcp;

import io.certfn.dns.DnsConfig;import io.certfn.dns.DnsBackend;
import io.certfn.dns.DnsProvider;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;

/** {@code certfn.dns.provider=gcp}: in builds with the Google Cloud SDK (its auth library). */
@Singleton
@IfBuildProperty(name = "certfn-build.gcp", stringValue = "true", enableIfMissing = true)
public class CloudDnsBackend implements DnsBackend {

    @Override
    public String name() {
        return "gcp";
    }

    @Override
    public DnsProvider create(DnsConfig config) {
        return CloudDnsProvider.fromConfig(config);
    }
}
