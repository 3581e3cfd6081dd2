package io.certfn.dns;

import io.certfn.testing.dnsapi.FakeCloudDnsApi;

/** The DNS provider contract against Google Cloud DNS v1 (see {@link FakeCloudDnsApi}). */
class CloudDnsProviderTest extends DnsProviderContract {

    CloudDnsProviderTest() {
        super(new FakeCloudDnsApi());
    }
}
