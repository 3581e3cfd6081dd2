package io.certfn.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.certfn.testing.Backends;
import io.certfn.testing.dnsapi.MotoRoute53;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Route 53 provider against moto_server, a real AWS emulator: the SDK's requests and moto's
 * answers, for the cases moto models (it applies a stale DELETE, accepts any credentials and never
 * throttles; {@link Route53ProviderTest} covers those).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Route53MotoTest {

    private final MotoRoute53 moto = new MotoRoute53();
    private final DnsProvider dns;

    Route53MotoTest() {
        moto.addZone("certfn.example");
        moto.addZone("sub.certfn.example");
        dns = DnsProducer.forConfig(moto.dnsConfig(moto.token()), Backends.DNS);
    }

    @AfterAll
    void stop() {
        moto.close();
    }

    @Test
    void publishesInTheMostSpecificZoneBesideOtherValuesAndRemovesOnlyItsOwn() {
        ChallengeRecord mine = new ChallengeRecord("_acme-challenge.a.sub.certfn.example", "mine");
        ChallengeRecord other = new ChallengeRecord("_acme-challenge.a.sub.certfn.example", "other");
        dns.publish(mine);
        dns.publish(other);
        dns.publish(mine);
        assertEquals(Set.of("mine", "other"), new HashSet<>(moto.txt(mine.name())));
        assertEquals(2, moto.txt(mine.name()).size());
        dns.remove(mine);
        assertEquals(List.of("other"), moto.txt(mine.name()));
        dns.remove(other);
        assertEquals(List.of(), moto.txt(mine.name()));
    }
}
