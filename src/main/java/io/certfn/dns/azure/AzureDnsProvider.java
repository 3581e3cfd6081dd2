package io.certfn.dns.azure;

import io.certfn.dns.DnsConfig;import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.certfn.cloud.sdk.AzureCredentials;
import io.certfn.dns.DnsException;
import io.certfn.dns.HostedZone;
import io.certfn.cloud.sdk.JsonHttp;
import io.certfn.dns.TxtRecordSetProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Azure DNS through Azure Resource Manager (REST, api-version 2018-05-01). A TXT record set is
 * replaced with {@code If-Match: <etag>} (created with {@code If-None-Match: *}), so a concurrent
 * change makes the write fail with 412 instead of dropping a value. Authenticated with the
 * managed identity's ARM token.
 */
public final class AzureDnsProvider extends TxtRecordSetProvider {

    private static final String API_VERSION = "api-version=2018-05-01";

    private final JsonHttp http;
    private final String base;
    private final String resourceGroup;
    private final Optional<String> zone;
    private final long ttl;

    AzureDnsProvider(JsonHttp http, String endpoint, String subscription, String resourceGroup, Optional<String> zone, Duration ttl) {
        this.http = http;
        this.base = (endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint)
                + "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup + "/providers/Microsoft.Network/dnsZones";
        this.resourceGroup = resourceGroup;
        this.zone = zone;
        this.ttl = ttl.toSeconds();
    }

    /** From {@code certfn.dns.azure.*}; subscription and resource group are required. */
    public static AzureDnsProvider fromConfig(DnsConfig config) {
        DnsConfig.AzureDns azure = config.azure();
        String subscription = azure.subscriptionId().filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                "certfn.dns.azure.subscription-id is required for certfn.dns.provider=azure"));
        String group = azure.resourceGroup().filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                "certfn.dns.azure.resource-group is required for certfn.dns.provider=azure (the group that holds the DNS zone)"));
        Supplier<String> token = azure.accessToken().<Supplier<String>>map(t -> () -> t).orElseGet(AzureDnsProvider::managedIdentityToken);
        return new AzureDnsProvider(new JsonHttp("Azure DNS", token, DnsException::new), azure.endpoint(), subscription, group, azure.zone(), config.ttl());
    }

    /** DefaultAzureCredential: the Function App's managed identity; it caches and refreshes tokens itself. */
    private static Supplier<String> managedIdentityToken() {
        return new Supplier<>() {
            private TokenCredential credential;

            @Override
            public synchronized String get() {
                if (credential == null) {
                    credential = AzureCredentials.defaultChain();
                }
                return credential.getTokenSync(new TokenRequestContext().addScopes("https://management.azure.com/.default")).getToken();
            }
        };
    }

    @Override
    protected String providerName() {
        return "Azure DNS";
    }

    @Override
    protected Optional<HostedZone> configuredZone(String fqdn) {
        Optional<HostedZone> configured = zone.map(z -> new HostedZone(z, z));
        // The record's place is a URL path relative to the zone: a name outside it would land somewhere else in it.
        configured.filter(z -> !z.contains(fqdn)).ifPresent(z -> {
            throw new DnsException("Azure DNS: " + fqdn + " is not in the configured zone " + z.name()
                    + " (certfn.dns.azure.zone); certfn writes challenge records only inside it.");
        });
        return configured;
    }

    @Override
    protected String zoneSource() {
        return "zones of resource group " + resourceGroup;
    }

    @Override
    protected List<HostedZone> listZones() {
        List<HostedZone> found = new ArrayList<>();
        String url = base + "?" + API_VERSION;
        while (url != null) {
            JsonHttp.Response r = http.send("GET", url, null, Map.of());
            check(r, "list the DNS zones of resource group " + resourceGroup, "Microsoft.Network/dnsZones/read");
            for (JsonNode z : r.body().path("value")) {
                found.add(new HostedZone(z.path("name").asText(), z.path("name").asText()));
            }
            url = r.body().path("nextLink").asText(null);
        }
        return found;
    }

    private static String encode(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String recordUrl(HostedZone zone, String fqdn) {
        return base + "/" + encode(zone.id()) + "/TXT/" + encode(zone.relative(fqdn)) + "?" + API_VERSION;
    }

    @Override
    protected RecordSet read(HostedZone zone, String fqdn) {
        JsonHttp.Response r = http.send("GET", recordUrl(zone, fqdn), null, Map.of());
        if (r.status() == 404) {
            if ("ResourceNotFound".equals(r.body().path("error").path("code").asText())) {
                throw new DnsException("Azure DNS: zone " + zone.name() + " does not exist in resource group " + resourceGroup + ".");
            }
            return new RecordSet(List.of(), null);
        }
        check(r, "read TXT " + fqdn, "Microsoft.Network/dnsZones/TXT/read");
        List<String> values = new ArrayList<>();
        for (JsonNode txt : r.body().path("properties").path("TXTRecords")) {
            StringBuilder value = new StringBuilder();
            txt.path("value").forEach(part -> value.append(part.asText()));
            values.add(value.toString());
        }
        return new RecordSet(values, r.body().path("etag").asText());
    }

    @Override
    protected boolean write(HostedZone zone, String fqdn, RecordSet current, List<String> values) {
        Map<String, String> condition = current.version() == null ? Map.of("If-None-Match", "*")
                : Map.of("If-Match", (String) current.version());
        JsonHttp.Response r = values.isEmpty()
                ? http.send("DELETE", recordUrl(zone, fqdn), null, condition)
                : http.send("PUT", recordUrl(zone, fqdn), Map.of("properties", Map.of("TTL", ttl,
                        "TXTRecords", values.stream().map(v -> Map.of("value", List.of(v))).toList())), condition);
        if (r.status() == 412) {
            return false;
        }
        check(r, (values.isEmpty() ? "delete" : "write") + " TXT " + fqdn, "Microsoft.Network/dnsZones/TXT/write");
        return true;
    }

    private void check(JsonHttp.Response r, String what, String action) {
        if (r.ok()) {
            return;
        }
        JsonNode error = r.body().path("error");
        String hint = switch (r.status()) {
            case 401 -> " The managed identity's token was not accepted (wrong tenant or audience?).";
            case 403 -> " The function's managed identity needs '" + action + "': assign it the role 'DNS Zone Contributor' on the zone.";
            default -> "";
        };
        throw new DnsException("Azure DNS refused to " + what + ": HTTP " + r.status() + " (" + error.path("code").asText("no code")
                + ": " + error.path("message").asText("no detail") + ")." + hint);
    }
}
