package io.certfn.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.testing.Backends;
import io.certfn.testing.dnsapi.DnsApiServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every cloud DNS provider must do for DNS-01 (issue: zone lookup, multi-value TXT, removal of
 * only its own value, actionable errors), run against each provider's API server: a real emulator
 * where one models the case, otherwise an in-test server that follows the provider's published
 * API reference (named in each server's javadoc). Nothing here is skipped for any provider.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DnsProviderContract {

    private final DnsApiServer api;
    private final DnsProvider dns;

    DnsProviderContract(DnsApiServer api) {
        this.api = api;
        api.addZone("certfn.example");
        api.addZone("sub.certfn.example");
        api.addZone("other.example");
        this.dns = provider(api.token());
    }

    /** The API server the provider under test talks to. */
    DnsApiServer api() {
        return api;
    }

    private DnsProvider provider(String token) {
        return DnsProducer.forConfig(api.dnsConfig(token), Backends.DNS);
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @Test
    void publishesInTheMostSpecificZoneAndRemovesAgain() {
        ChallengeRecord record = new ChallengeRecord("_acme-challenge.a.sub.certfn.example", "value-in-sub");
        dns.publish(record);
        assertEquals(List.of("value-in-sub"), api.txt("_acme-challenge.a.sub.certfn.example"));
        dns.remove(record);
        assertEquals(List.of(), api.txt("_acme-challenge.a.sub.certfn.example"));
    }

    @Test
    void aWildcardAndItsApexShareTheNameAndNeitherClobbersTheOther() {
        ChallengeRecord apex = new ChallengeRecord("_acme-challenge.shared.certfn.example", "apex-value");
        ChallengeRecord wildcard = new ChallengeRecord("_acme-challenge.shared.certfn.example", "wildcard-value");
        dns.publish(apex);
        dns.publish(wildcard);
        dns.publish(apex);
        assertEquals(Set.of("apex-value", "wildcard-value"), new HashSet<>(api.txt(apex.name())));
        assertEquals(2, api.txt(apex.name()).size(), "publishing again adds nothing");
        dns.remove(apex);
        assertEquals(List.of("wildcard-value"), api.txt(apex.name()));
        dns.remove(apex);
        assertEquals(List.of("wildcard-value"), api.txt(apex.name()), "removing again removes nothing else");
        dns.remove(wildcard);
        assertEquals(List.of(), api.txt(apex.name()));
    }

    @Test
    void concurrentOrdersOfOneInstanceOnOneNameKeepEveryValue() throws Exception {
        publishConcurrently("_acme-challenge.busy.certfn.example", i -> dns);
    }

    @Test
    void concurrentOrdersOfSeveralInstancesOnOneNameKeepEveryValue() throws Exception {
        List<DnsProvider> instances = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            instances.add(provider(api.token()));
        }
        publishConcurrently("_acme-challenge.cluster.certfn.example", instances::get);
    }

    private void publishConcurrently(String name, java.util.function.IntFunction<DnsProvider> instance) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String value = "value-" + i;
            DnsProvider dnsOfThread = instance.apply(i);
            done.add(pool.submit(() -> {
                start.await();
                dnsOfThread.publish(new ChallengeRecord(name, value));
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertEquals(6, new HashSet<>(api.txt(name)).size(), api.txt(name).toString());
    }

    @Test
    void aNameOutsideEveryZoneIsNamedInTheError() {
        DnsException e = assertThrows(DnsException.class,
                () -> dns.publish(new ChallengeRecord("_acme-challenge.www.nowhere.test", "v")));
        assertTrue(e.getMessage().contains("nowhere.test"), e.getMessage());
        assertEquals("dns_error", e.code());
    }

    @Test
    void aRefusedCredentialSaysWhatToFixWithoutTheSecret() {
        DnsProvider wrong = provider("wrong-secret-token");
        DnsException e = assertThrows(DnsException.class,
                () -> wrong.publish(new ChallengeRecord("_acme-challenge.auth.certfn.example", "v")));
        assertTrue(e.getMessage().contains("HTTP 40"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("token") || e.getMessage().contains("identity"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-secret-token"), "never the secret");
    }

    @Test
    void throttlingIsRetriedAndPersistentThrottlingIsReported() {
        ChallengeRecord record = new ChallengeRecord("_acme-challenge.throttled.certfn.example", "v");
        api.failNext(429, 2);
        dns.publish(record);
        assertEquals(List.of("v"), api.txt(record.name()));
        api.failNext(429, 100);
        DnsException e = assertThrows(DnsException.class, () -> dns.remove(record));
        api.failNext(429, 0);
        assertTrue(e.getMessage().contains("throttling"), e.getMessage());
        dns.remove(record);
        assertEquals(List.of(), api.txt(record.name()));
    }
}
