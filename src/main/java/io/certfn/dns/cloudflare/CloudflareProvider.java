package io.certfn.dns.cloudflare;

import io.certfn.dns.DnsConfig;import com.fasterxml.jackson.databind.JsonNode;
import io.certfn.dns.ChallengeRecord;
import io.certfn.dns.DnsException;
import io.certfn.dns.DnsProvider;
import io.certfn.dns.HostedZone;
import io.certfn.cloud.sdk.JsonHttp;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.StreamSupport;
import org.jboss.logging.Logger;

/**
 * Cloudflare's DNS API (v4): each TXT value is a record of its own, so adding one never touches
 * another's; removal deletes only the record holding certfn's value. Authenticated with an API
 * token ({@code Authorization: Bearer}).
 */
public final class CloudflareProvider implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(CloudflareProvider.class);
    /** Cloudflare's code for "An identical record already exists". */
    private static final int IDENTICAL_RECORD = 81058;

    private final JsonHttp http;
    private final String endpoint;
    private final Optional<String> zoneId;
    private final long ttl;
    private final Map<String, HostedZone> zones = new ConcurrentHashMap<>();

    CloudflareProvider(JsonHttp http, String endpoint, Optional<String> zoneId, Duration ttl) {
        this.http = http;
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.zoneId = zoneId;
        this.ttl = Math.max(60, ttl.toSeconds());
    }

    /** From {@code certfn.dns.cloudflare.*}; the token is required. */
    public static CloudflareProvider fromConfig(DnsConfig config) {
        String token = config.cloudflare().apiToken().filter(t -> !t.isBlank()).orElseThrow(() -> new IllegalStateException(
                "certfn.dns.cloudflare.api-token is required for certfn.dns.provider=cloudflare (a token with Zone.DNS:Edit)"));
        return new CloudflareProvider(new JsonHttp("Cloudflare", () -> token, DnsException::new), config.cloudflare().endpoint(),
                config.cloudflare().zoneId(), config.ttl());
    }

    @Override
    public void publish(ChallengeRecord record) {
        HostedZone zone = zoneFor(record.name());
        if (findRecordId(zone, record).isPresent()) {
            return;
        }
        JsonHttp.Response r = http.send("POST", endpoint + "/zones/" + zone.id() + "/dns_records",
                Map.of("type", "TXT", "name", record.name(), "content", record.value(), "ttl", ttl,
                        "comment", "ACME challenge by certfn"), Map.of());
        if (!r.ok() && !hasError(r, IDENTICAL_RECORD)) {
            throw failure(r, "add TXT " + record.name());
        }
        LOG.debugf("Cloudflare: added TXT %s in zone %s", record.name(), zone.name());
    }

    @Override
    public void remove(ChallengeRecord record) {
        HostedZone zone = zoneFor(record.name());
        Optional<String> id = findRecordId(zone, record);
        if (id.isEmpty()) {
            return;
        }
        JsonHttp.Response r = http.send("DELETE", endpoint + "/zones/" + zone.id() + "/dns_records/" + id.get(), null, Map.of());
        if (!r.ok() && r.status() != 404) {
            throw failure(r, "delete TXT " + record.name());
        }
    }

    @Override
    public void prepare(String name) {
        zoneFor(name);
    }

    private Optional<String> findRecordId(HostedZone zone, ChallengeRecord record) {
        JsonHttp.Response r = http.send("GET", endpoint + "/zones/" + zone.id() + "/dns_records?type=TXT&per_page=100&name="
                + encode(record.name()), null, Map.of());
        if (!r.ok()) {
            throw failure(r, "list TXT " + record.name());
        }
        return StreamSupport.stream(r.body().path("result").spliterator(), false)
                .filter(rec -> ChallengeRecord.unquote(rec.path("content").asText()).equals(record.value()))
                .map(rec -> rec.path("id").asText())
                .findFirst();
    }

    private HostedZone zoneFor(String fqdn) {
        if (zoneId.isPresent()) {
            return new HostedZone(zoneId.get(), fqdn);
        }
        // The most specific existing zone first: ask for each parent name in turn.
        String candidate = fqdn;
        while (candidate.contains(".")) {
            HostedZone known = zones.get(candidate);
            if (known != null) {
                return known;
            }
            JsonHttp.Response r = http.send("GET", endpoint + "/zones?per_page=5&name=" + encode(candidate), null, Map.of());
            if (!r.ok()) {
                throw failure(r, "look up the zone of " + fqdn);
            }
            for (JsonNode zone : r.body().path("result")) {
                if (zone.path("name").asText().equalsIgnoreCase(candidate)) {
                    HostedZone found = new HostedZone(zone.path("id").asText(), candidate);
                    zones.put(candidate, found);
                    return found;
                }
            }
            candidate = candidate.substring(candidate.indexOf('.') + 1);
        }
        throw new DnsException("Cloudflare has no zone for " + fqdn + " that this token can see (it needs Zone:Read on the zone,"
                + " or set certfn.dns.cloudflare.zone-id).");
    }

    private static boolean hasError(JsonHttp.Response r, int code) {
        return StreamSupport.stream(r.body().path("errors").spliterator(), false).anyMatch(e -> e.path("code").asInt() == code);
    }

    private static DnsException failure(JsonHttp.Response r, String what) {
        String errors = StreamSupport.stream(r.body().path("errors").spliterator(), false)
                .map(e -> e.path("code").asText() + " " + e.path("message").asText())
                .reduce((a, b) -> a + "; " + b).orElse("no detail");
        String hint = switch (r.status()) {
            case 401, 403 -> " Check certfn.dns.cloudflare.api-token: it needs Zone.DNS:Edit (and Zone:Read) on the zone.";
            case 404 -> " The zone or record does not exist for this token.";
            default -> "";
        };
        return new DnsException("Cloudflare refused to " + what + ": HTTP " + r.status() + " (" + errors + ")." + hint);
    }


    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
