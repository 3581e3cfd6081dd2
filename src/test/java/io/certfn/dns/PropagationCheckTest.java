package io.certfn.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.dns.rfc2136.Rfc2136Provider;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.TestConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.Type;

/**
 * Zone, name-server and CNAME lookups and the propagation check, against a real Knot serving
 * {@code certfn.test} (its NS {@code ns.certfn.test} is 127.0.0.1 on the test port). This stack is
 * the test's own; a test that changes the zone (another name server, an IPv6 address) undoes it, so
 * the tests run in any order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PropagationCheckTest {

    private AcmeStack stack;
    private DnsLookup lookup;
    private DnsProvider dns;
    private int port;

    @BeforeAll
    void start() {
        stack = AcmeStack.start(Map.of());
        port = Integer.parseInt(stack.get("DNS_SERVER").substring(stack.get("DNS_SERVER").lastIndexOf(':') + 1));
        dns = Rfc2136Provider.fromConfig(TestConfig.of(DnsConfig.class, stack.certfnConfig()).rfc2136());
    }

    /** A lookup of its own per test: what one test learnt of the zone is no other's. */
    @BeforeEach
    void freshLookup() {
        lookup = new DnsLookup(Optional.of(new InetSocketAddress("127.0.0.1", port)), port);
    }

    @AfterAll
    void stop() {
        stack.close();
    }

    @Test
    void findsTheZoneAndItsNameServers() {
        assertEquals("certfn.test", lookup.zoneOf("_acme-challenge.deep.below.certfn.test"));
        assertEquals(List.of("ns.certfn.test (127.0.0.1:" + port + ")"),
                lookup.nameservers("certfn.test").stream().map(PropagationCheck::describe).toList());
    }

    @Test
    void followsCnameChainsAndLeavesOtherNamesAlone() {
        stack.addRecord("_acme-challenge.alias", Type.CNAME, "hop.certfn.test.");
        stack.addRecord("hop", Type.CNAME, "_acme-challenge.target.certfn.test.");
        assertEquals("_acme-challenge.target.certfn.test", lookup.canonicalName("_acme-challenge.alias.certfn.test"));
        assertEquals("_acme-challenge.plain.certfn.test", lookup.canonicalName("_acme-challenge.plain.certfn.test"));
    }

    @Test
    void aCnameLeadsOnlyToAChallengeNameOrIntoADelegationZone() {
        // acme-dns hands out names such as d420c923.acme-dns.certfn.test: allowed once its zone is named.
        stack.addRecord("_acme-challenge.acmedns", Type.CNAME, "d420c923.acme-dns.certfn.test.");
        DnsException refused = org.junit.jupiter.api.Assertions.assertThrows(DnsException.class,
                () -> lookup.canonicalName("_acme-challenge.acmedns.certfn.test"));
        org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("is a CNAME to 'd420c923.acme-dns.certfn.test'"),
                refused.getMessage());
        DnsLookup delegating = new DnsLookup(Optional.of(new InetSocketAddress("127.0.0.1", port)), port, DnsLookup.IpVersion.AUTO,
                List.of("acme-dns.certfn.test."));
        assertEquals("d420c923.acme-dns.certfn.test", delegating.canonicalName("_acme-challenge.acmedns.certfn.test"));
    }

    /**
     * Route 53, Cloudflare, Azure DNS and Cloud DNS publish AAAA records for their name servers; a
     * function with IPv4-only egress cannot reach them, and the CA asks the address it can.
     */
    @Test
    void aNameServerAnswersWhenOneOfItsAddressesDoesAnUnreachableIpv6AddressIsNoFailure() throws Exception {
        stack.addRecord("ns", Type.AAAA, "2001:db8::53"); // documentation prefix: routed nowhere
        try {
            answersThroughTheIpv4AddressAndAsksTheAddressesItIsTold();
        } finally {
            stack.removeRecord("ns", Type.AAAA, "2001:db8::53");
        }
    }

    private void answersThroughTheIpv4AddressAndAsksTheAddressesItIsTold() throws Exception {
        assertEquals(2, lookup.nameservers("certfn.test").size(), "ns.certfn.test has an A and an AAAA address");
        ChallengeRecord record = new ChallengeRecord("_acme-challenge.v6.certfn.test", "value-v6");
        dns.publish(record);
        new PropagationCheck(lookup).await(List.of(record), Duration.ofSeconds(10));

        // certfn.dns.ip-version: where IPv6 is dropped silently (each look would wait for it), ask IPv4 only.
        Optional<InetSocketAddress> resolver = Optional.of(new InetSocketAddress("127.0.0.1", port));
        DnsLookup v4 = new DnsLookup(resolver, port, DnsLookup.IpVersion.parse("4"));
        assertEquals(List.of("ns.certfn.test (127.0.0.1:" + port + ")"), v4.nameservers("certfn.test").stream().map(PropagationCheck::describe).toList());
        new PropagationCheck(v4).await(List.of(record), Duration.ofSeconds(10));
        DnsLookup v6 = new DnsLookup(resolver, port, DnsLookup.IpVersion.parse("6"));
        assertEquals(List.of("ns.certfn.test (2001:db8:0:0:0:0:0:53:" + port + ")"),
                v6.nameservers("certfn.test").stream().map(PropagationCheck::describe).toList());
        IllegalStateException bad = assertThrows(IllegalStateException.class, () -> DnsLookup.IpVersion.parse("ipv5"));
        assertEquals("certfn.dns.ip-version must be auto, 4 or 6, not 'ipv5'", bad.getMessage());
    }

    @Test
    void waitsForEveryNameServerAndNamesTheOnesWithoutTheRecord() throws Exception {
        ChallengeRecord record = new ChallengeRecord("_acme-challenge.prop.certfn.test", "value-1");
        dns.publish(record);
        new PropagationCheck(lookup).await(List.of(record), Duration.ofSeconds(10));

        // A second name server that never answers (nothing listens on 127.0.0.2), as a lagging secondary.
        stack.addRecord("ns2", Type.A, "127.0.0.2");
        stack.addRecord("@", Type.NS, "ns2.certfn.test.");
        try {
            namesTheNameServerWithoutTheRecord(record);
        } finally {
            stack.removeRecord("@", Type.NS, "ns2.certfn.test.");
            stack.removeRecord("ns2", Type.A, "127.0.0.2");
        }
    }

    private void namesTheNameServerWithoutTheRecord(ChallengeRecord record) {
        assertEquals(2, lookup.nameservers("certfn.test").size(), "ns and ns2");
        DnsException e = assertThrows(DnsException.class,
                () -> new PropagationCheck(lookup).await(List.of(record), Duration.ofMillis(500)));
        assertTrue(e.getMessage().contains("_acme-challenge.prop.certfn.test at ns2.certfn.test (127.0.0.2:" + port + ")"), e.getMessage());
        assertTrue(!e.getMessage().contains("127.0.0.1"), "the server that has it is not blamed: " + e.getMessage());
        assertEquals("dns_error", e.code());
    }

    @Test
    void looksAgainAfter10MillisecondsDoublingToASecond() {
        assertEquals(Duration.ofMillis(10), PropagationCheck.pause(0));
        assertEquals(Duration.ofMillis(20), PropagationCheck.pause(1));
        assertEquals(Duration.ofMillis(640), PropagationCheck.pause(6));
        assertEquals(Duration.ofSeconds(1), PropagationCheck.pause(7));
        assertEquals(Duration.ofSeconds(1), PropagationCheck.pause(500));
    }
}
