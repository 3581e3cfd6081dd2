package io.certfn.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.testing.Backends;
import io.certfn.testing.TestConfig;
import io.certfn.testing.dnsapi.FakeRoute53Api;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The DNS provider contract against Route 53's API as documented (see {@link FakeRoute53Api}):
 * races between instances, refused credentials, a missing permission and throttling included, which
 * moto cannot model (Route53MotoTest runs the same provider against moto).
 */
class Route53ProviderTest extends DnsProviderContract {

    private final FakeRoute53Api route53;

    Route53ProviderTest() {
        super(new FakeRoute53Api());
        this.route53 = (FakeRoute53Api) api();
    }

    private DnsProvider provider(String propagationTimeout) {
        Map<String, String> config = new HashMap<>(route53.certfnConfig(route53.token()));
        config.put("certfn.dns.propagation-timeout", propagationTimeout);
        return DnsProducer.forConfig(TestConfig.of(DnsConfig.class, config), Backends.DNS);
    }

    /** Route 53's API reference: a change is applied on all its name servers once GetChange says INSYNC. */
    @Test
    void anAddedValueIsAwaitedUntilRoute53ReportsItInSyncARemovalIsNot() {
        route53.inSyncAfter(3);
        try {
            DnsProvider dns = provider("30s");
            ChallengeRecord record = new ChallengeRecord("_acme-challenge.insync.certfn.example", "value-insync");
            int before = route53.changePolls().size();
            dns.publish(record);
            List<Integer> polls = List.copyOf(route53.changePolls().values());
            assertEquals(before + 1, polls.size(), "one change");
            assertEquals(3, polls.get(polls.size() - 1), "asked until INSYNC (the third answer)");
            dns.remove(record);
            polls = List.copyOf(route53.changePolls().values());
            assertEquals(0, polls.get(polls.size() - 1), "a removal is not waited for");
        } finally {
            route53.inSyncAfter(1);
        }
    }

    @Test
    void aChangeThatNeverGetsInSyncIsADnsErrorNamingTheWaitAndTheKey() {
        route53.inSyncAfter(Integer.MAX_VALUE);
        try {
            DnsException e = assertThrows(DnsException.class,
                    () -> provider("1s").publish(new ChallengeRecord("_acme-challenge.pending.certfn.example", "value-pending")));
            assertTrue(e.getMessage().contains("did not report the change of TXT _acme-challenge.pending.certfn.example")
                    && e.getMessage().contains("INSYNC within 1 s (certfn.dns.propagation-timeout)"), e.getMessage());
        } finally {
            route53.inSyncAfter(1);
        }
    }

    /** A role without one of the permissions the deploy templates grant: the error names the permission, never the secret. */
    @Test
    void accessDeniedNamesThePermissionTheRoleLacks() {
        route53.deny("ListHostedZones");
        try {
            DnsException e = assertThrows(DnsException.class,
                    () -> provider("30s").publish(new ChallengeRecord("_acme-challenge.denied.certfn.example", "v")));
            assertTrue(e.getMessage().contains("AccessDenied") && e.getMessage().contains("route53:ListHostedZones"), e.getMessage());
            assertFalse(e.getMessage().contains("route53-secret-never-shown"), e.getMessage());
        } finally {
            route53.deny();
        }
    }

    @Test
    void persistentThrottlingIsFourAttemptsAsForEveryDnsProvider() {
        DnsProvider dns = provider("30s");
        int before = route53.requests();
        route53.failNext(400, 100);
        try {
            DnsException e = assertThrows(DnsException.class,
                    () -> dns.publish(new ChallengeRecord("_acme-challenge.throttled4.certfn.example", "v")));
            assertTrue(e.getMessage().contains("Throttling") && e.getMessage().contains("kept throttling"), e.getMessage());
            assertEquals(before + 4, route53.requests(), "at most 4 attempts, as docs/configuration.md says of every DNS provider");
        } finally {
            route53.failNext(400, 0);
        }
    }
}
