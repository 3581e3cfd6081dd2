package io.certfn.dns;

import io.certfn.testing.dnsapi.MotoRoute53;

/** The DNS provider contract against Route 53 on moto_server (see {@link MotoRoute53}). */
class Route53ProviderTest extends DnsProviderContract {

    Route53ProviderTest() {
        super(new MotoRoute53());
    }
}
