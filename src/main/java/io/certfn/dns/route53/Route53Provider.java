package io.certfn.dns.route53;

import io.certfn.dns.DnsConfig;import io.certfn.dns.ChallengeRecord;
import io.certfn.dns.DnsException;
import io.certfn.dns.HostedZone;
import io.certfn.dns.TxtRecordSetProvider;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.Route53ClientBuilder;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.InvalidChangeBatchException;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.Route53Exception;
import software.amazon.awssdk.services.route53.waiters.Route53Waiter;

/**
 * Amazon Route 53 with the AWS SDK v2 and the function's role. One change batch deletes the TXT
 * set exactly as read and creates the new one; Route 53 applies a batch atomically and rejects it
 * when the deleted set no longer matches, which is the optimistic lock.
 */
public final class Route53Provider extends TxtRecordSetProvider {

    /** As JsonHttp's providers: README says at most 4 attempts. */
    static final int ATTEMPTS = 4;

    /** Route 53's answers to credentials it does not accept (AWS common errors). */
    private static final java.util.Set<String> REFUSED_CREDENTIALS = java.util.Set.of("InvalidClientTokenId",
            "SignatureDoesNotMatch", "ExpiredToken", "IncompleteSignature", "MissingAuthenticationToken", "UnrecognizedClientException");
    private static final java.util.Set<String> THROTTLED = java.util.Set.of("Throttling", "PriorRequestNotComplete");

    private final Route53Client route53;
    private final Optional<String> hostedZoneId;
    private final long ttl;
    private final Duration syncTimeout;
    /** The change this thread's last addition made, to await after the record set's lock is released. */
    private final ThreadLocal<String> addedBy = new ThreadLocal<>();

    Route53Provider(Route53Client route53, Optional<String> hostedZoneId, Duration ttl, Duration syncTimeout) {
        this.route53 = route53;
        this.hostedZoneId = hostedZoneId;
        this.ttl = ttl.toSeconds();
        this.syncTimeout = syncTimeout;
    }

    /**
     * Adds the value, then waits until Route 53 reports the change {@code INSYNC} (on all its
     * name servers, as its API reference says to check before relying on it): before that, the
     * propagation check may see the value at some servers while the CA asks another.
     */
    @Override
    public void publish(ChallengeRecord record) {
        addedBy.remove();
        try {
            super.publish(record);
            String change = addedBy.get();
            if (change != null) {
                awaitInSync(change, record.name());
            }
        } finally {
            addedBy.remove();
        }
    }

    private void awaitInSync(String change, String fqdn) {
        call("wait for the change of TXT " + fqdn + " to be INSYNC", "route53:GetChange", () -> {
            try (Route53Waiter waiter = Route53Waiter.builder().client(route53).build()) {
                var outcome = waiter.waitUntilResourceRecordSetsChanged(b -> b.id(change), o -> o.waitTimeout(syncTimeout)
                        .maxAttempts(Integer.MAX_VALUE)
                        .backoffStrategyV2(BackoffStrategy.exponentialDelayWithoutJitter(Duration.ofMillis(100), Duration.ofSeconds(5))));
                if (outcome.matched().exception().isPresent()) {
                    Throwable failed = outcome.matched().exception().get();
                    throw failed instanceof SdkException sdk ? sdk : new IllegalStateException(failed);
                }
                return null;
            } catch (SdkClientException e) {
                if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("max wait time")) {
                    throw new DnsException("Route 53 did not report the change of TXT " + fqdn + " (" + change + ") INSYNC within "
                            + syncTimeout.toSeconds() + " s (certfn.dns.propagation-timeout); its name servers may not all have it yet.", e);
                }
                throw e;
            }
        });
    }

    /** From {@code certfn.dns.route53.*}: credentials from the default chain (the Lambda role). */
    public static Route53Provider fromConfig(DnsConfig config) {
        Route53ClientBuilder builder = Route53Client.builder()
                // Route 53 is a global service whose requests are signed for us-east-1; the SDK's
                // endpoint rules map this region to route53.amazonaws.com.
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(3)).socketTimeout(Duration.ofSeconds(20)).build())
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                // The SDK's standard strategy (jittered backoff, Route 53's Throttling and PriorRequestNotComplete
                // included) with the attempts every DNS provider of certfn makes.
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(ATTEMPTS).build())
                        .apiCallTimeout(Duration.ofSeconds(30)).build());
        config.route53().endpoint().ifPresent(e -> builder.endpointOverride(URI.create(e)));
        return new Route53Provider(builder.build(), config.route53().hostedZoneId(), config.ttl(), config.propagationTimeout());
    }

    @Override
    protected String providerName() {
        return "Route 53";
    }

    @Override
    protected Optional<HostedZone> configuredZone(String fqdn) {
        return hostedZoneId.map(id -> new HostedZone(id, id));
    }

    @Override
    protected String zoneSource() {
        return "public hosted zones of this account";
    }

    @Override
    protected List<HostedZone> listZones() {
        List<HostedZone> found = new ArrayList<>();
        call("list the hosted zones", "route53:ListHostedZones", () -> {
            route53.listHostedZonesPaginator().hostedZones().stream()
                    .filter(z -> z.config() == null || !Boolean.TRUE.equals(z.config().privateZone()))
                    .forEach(z -> found.add(new HostedZone(z.id().replace("/hostedzone/", ""), z.name())));
            return null;
        });
        return found;
    }

    @Override
    protected RecordSet read(HostedZone zone, String fqdn) {
        return call("read TXT " + fqdn, "route53:ListResourceRecordSets", () -> {
            var page = route53.listResourceRecordSets(b -> b.hostedZoneId(zone.id()).startRecordName(fqdn)
                    .startRecordType(RRType.TXT).maxItems("1"));
            for (ResourceRecordSet set : page.resourceRecordSets()) {
                if (set.type() == RRType.TXT && sameName(set.name(), fqdn)) {
                    List<String> values = set.resourceRecords().stream().map(r -> ChallengeRecord.unquote(r.value())).toList();
                    return new RecordSet(values, set);
                }
            }
            return new RecordSet(List.of(), null);
        });
    }

    @Override
    protected boolean write(HostedZone zone, String fqdn, RecordSet current, List<String> values) {
        List<Change> changes = new ArrayList<>();
        if (current.version() != null) {
            changes.add(Change.builder().action(ChangeAction.DELETE).resourceRecordSet((ResourceRecordSet) current.version()).build());
        }
        if (!values.isEmpty()) {
            changes.add(Change.builder().action(ChangeAction.CREATE).resourceRecordSet(ResourceRecordSet.builder()
                    .name(fqdn + ".").type(RRType.TXT).ttl(ttl)
                    .resourceRecords(values.stream().map(v -> ResourceRecord.builder().value(ChallengeRecord.quoted(v)).build()).toList())
                    .build()).build());
        }
        try {
            return call("change TXT " + fqdn, "route53:ChangeResourceRecordSets", () -> {
                var changed = route53.changeResourceRecordSets(b -> b.hostedZoneId(zone.id())
                        .changeBatch(c -> c.comment("ACME challenge by certfn").changes(changes)));
                if (values.size() > current.values().size() && changed.changeInfo() != null) {
                    addedBy.set(changed.changeInfo().id());
                }
                return true;
            });
        } catch (ConcurrentChange e) {
            return false;
        }
    }

    /** The batch no longer matched what was read: another writer changed the set. */
    private static final class ConcurrentChange extends RuntimeException {
        ConcurrentChange() {
            super(null, null, false, false);
        }
    }

    private <T> T call(String what, String permission, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (InvalidChangeBatchException e) {
            throw new ConcurrentChange();
        } catch (Route53Exception e) {
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
            String said = "HTTP " + e.statusCode() + (code.isEmpty() ? "" : " " + code)
                    + (e.awsErrorDetails() == null ? "" : ": " + e.awsErrorDetails().errorMessage());
            if (THROTTLED.contains(code)) {
                throw new DnsException("Route 53 kept throttling certfn's requests to " + what + " (" + said + ", after "
                        + ATTEMPTS + " attempts); try again later.", e);
            }
            if (REFUSED_CREDENTIALS.contains(code)) {
                throw new DnsException("Route 53 refused the AWS credentials certfn signed with, to " + what + " (" + said
                        + "). Check the identity the function runs as: its role, or AWS_ACCESS_KEY_ID and the secret that goes with it.", e);
            }
            String hint = e.statusCode() == 403 || "AccessDenied".equals(code)
                    ? " The function's role needs " + permission + " (see README: Route 53 permissions)."
                    : "NoSuchHostedZone".equals(code) ? " Check certfn.dns.route53.hosted-zone-id." : "";
            throw new DnsException("Route 53 refused to " + what + " (" + said + ")." + hint, e);
        } catch (SdkException e) {
            throw new DnsException("Route 53 could not be reached to " + what + ": " + e.getMessage(), e);
        }
    }

    private static boolean sameName(String setName, String fqdn) {
        String n = setName.endsWith(".") ? setName.substring(0, setName.length() - 1) : setName;
        // Route 53 returns some characters octal-escaped; the names certfn writes have none.
        return n.equalsIgnoreCase(fqdn);
    }

}
