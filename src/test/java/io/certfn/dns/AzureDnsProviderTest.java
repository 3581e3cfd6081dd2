package io.certfn.dns;

import io.certfn.testing.dnsapi.FakeAzureDnsApi;

/** The DNS provider contract against Azure DNS through ARM (see {@link FakeAzureDnsApi}). */
class AzureDnsProviderTest extends DnsProviderContract {

    AzureDnsProviderTest() {
        super(new FakeAzureDnsApi());
    }
}
