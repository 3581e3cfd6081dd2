package io.certfn.dns.cloudflare;

import io.certfn.dns.DnsConfig;import io.certfn.dns.DnsBackend;
import io.certfn.dns.DnsProvider;
import jakarta.inject.Singleton;

/** {@code certfn.dns.provider=cloudflare}, in every build (plain HTTPS, no SDK). */
@Singleton
public class CloudflareBackend implements DnsBackend {

    @Override
    public String name() {
        return "cloudflare";
    }

    @Override
    public DnsProvider create(DnsConfig config) {
        return CloudflareProvider.fromConfig(config);
    }
}
