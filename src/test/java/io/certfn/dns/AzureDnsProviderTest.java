package io.certfn.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.testing.Backends;
import io.certfn.testing.TestConfig;
import io.certfn.testing.dnsapi.FakeAzureDnsApi;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DNS provider contract against Azure DNS through ARM (see {@link FakeAzureDnsApi}). */
class AzureDnsProviderTest extends DnsProviderContract {

    AzureDnsProviderTest() {
        super(new FakeAzureDnsApi());
    }

    @Test
    void aNameOutsideTheConfiguredZoneIsRefusedNotWrittenIntoIt() {
        try (FakeAzureDnsApi api = new FakeAzureDnsApi()) {
            api.addZone("certfn.example");
            Map<String, String> config = new HashMap<>(api.certfnConfig(api.token()));
            config.put("certfn.dns.azure.zone", "certfn.example");
            DnsProvider dns = DnsProducer.forConfig(TestConfig.of(DnsConfig.class, config), Backends.DNS);
            // A CNAME the caller controls may point anywhere; before, this became '_acme-challenge.w' in certfn.example.
            DnsException e = assertThrows(DnsException.class,
                    () -> dns.publish(new ChallengeRecord("_acme-challenge.w.victim.example", "v")));
            assertTrue(e.getMessage().contains("not in the configured zone certfn.example (certfn.dns.azure.zone)"), e.getMessage());
            assertEquals(List.of(), api.txt("_acme-challenge.w.certfn.example"), "nothing was written into the zone");
            dns.publish(new ChallengeRecord("_acme-challenge.in.certfn.example", "inside"));
            assertEquals(List.of("inside"), api.txt("_acme-challenge.in.certfn.example"));
        }
    }
}
