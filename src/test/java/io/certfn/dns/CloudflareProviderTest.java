package io.certfn.dns;

import io.certfn.testing.dnsapi.FakeCloudflareApi;

/** The DNS provider contract against Cloudflare's API v4 (see {@link FakeCloudflareApi}). */
class CloudflareProviderTest extends DnsProviderContract {

    CloudflareProviderTest() {
        super(new FakeCloudflareApi());
    }
}
