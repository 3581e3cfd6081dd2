package io.certfn.dns;

import io.certfn.testing.dnsapi.FakeRoute53Api;

/**
 * The DNS provider contract against Route 53's API as documented (see {@link FakeRoute53Api}):
 * races between instances, refused credentials and throttling included, which moto cannot model.
 */
class Route53ProviderTest extends DnsProviderContract {

    Route53ProviderTest() {
        super(new FakeRoute53Api());
    }
}
