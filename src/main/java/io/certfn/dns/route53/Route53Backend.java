package io.certfn.dns.route53;

import io.certfn.dns.DnsConfig;import io.certfn.dns.DnsBackend;
import io.certfn.dns.DnsProvider;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;

/** {@code certfn.dns.provider=route53}: in builds with the AWS SDK. */
@Singleton
@IfBuildProperty(name = "certfn-build.aws", stringValue = "true", enableIfMissing = true)
public class Route53Backend implements DnsBackend {

    @Override
    public String name() {
        return "route53";
    }

    @Override
    public DnsProvider create(DnsConfig config) {
        return Route53Provider.fromConfig(config);
    }
}
