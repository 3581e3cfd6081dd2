package io.certfn.testing.dnsapi;

import io.certfn.testing.stores.StoreServer;
import io.certfn.testing.stores.Stores;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * Route 53 served by moto_server (the same real AWS emulator as the S3 tests): hosted zones and
 * change batches. moto accepts any credentials, cannot be told to throttle, and applies a DELETE
 * of a record set that no longer matches (Route 53 rejects the whole batch with
 * InvalidChangeBatch), so it runs the cases it models ({@code Route53MotoTest}); the contract
 * runs on {@link FakeRoute53Api} and {@code Route53ErrorsTest} covers Route 53's refusals.
 */
public final class MotoRoute53 implements DnsApiServer {

    private final StoreServer moto = Stores.start("s3");
    private final String endpoint = moto.certfnConfig("").get("certfn.store.s3.endpoint");
    private final Route53Client client = Route53Client.builder().region(Region.AWS_GLOBAL)
            .endpointOverride(URI.create(endpoint)).httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test-secret"))).build();

    @Override
    public void addZone(String name) {
        client.createHostedZone(b -> b.name(name).callerReference(name + System.nanoTime()));
    }

    @Override
    public List<String> txt(String fqdn) {
        List<String> values = new ArrayList<>();
        client.listHostedZonesPaginator().hostedZones().forEach(zone -> {
            for (ResourceRecordSet set : client.listResourceRecordSets(b -> b.hostedZoneId(zone.id())).resourceRecordSets()) {
                if (set.type() == RRType.TXT && set.name().equals(fqdn + ".")) {
                    set.resourceRecords().forEach(r -> values.add(r.value().replace("\"", "")));
                }
            }
        });
        return values;
    }

    @Override
    public Map<String, String> certfnConfig(String token) {
        return Map.of("certfn.dns.provider", "route53", "certfn.dns.route53.endpoint", endpoint);
    }

    @Override
    public String token() {
        return "unused";
    }

    @Override
    public void failNext(int status, int times) {
        throw new UnsupportedOperationException("moto cannot be told to fail");
    }

    @Override
    public void close() {
        client.close();
        moto.close();
    }
}
