package io.certfn.dns.gcp;

import io.certfn.dns.DnsConfig;import com.fasterxml.jackson.databind.JsonNode;
import io.certfn.cloud.sdk.GoogleTokens;
import io.certfn.cloud.sdk.JsonHttp;
import io.certfn.dns.ChallengeRecord;
import io.certfn.dns.DnsException;
import io.certfn.dns.HostedZone;
import io.certfn.dns.TxtRecordSetProvider;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Google Cloud DNS (REST v1). A change deletes the record set exactly as read and adds the new
 * one in one atomic call; Cloud DNS refuses it when the set changed meanwhile, which is the
 * optimistic lock. Authenticated with the service account's OAuth token.
 */
public final class CloudDnsProvider extends TxtRecordSetProvider {

    private static final String SCOPE = "https://www.googleapis.com/auth/ndev.clouddns.readwrite";

    private final JsonHttp http;
    private final String base;
    private final String project;
    private final Optional<String> managedZone;
    private final long ttl;

    CloudDnsProvider(JsonHttp http, String endpoint, String project, Optional<String> managedZone, Duration ttl) {
        this.http = http;
        this.base = (endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint)
                + "/dns/v1/projects/" + project + "/managedZones";
        this.project = project;
        this.managedZone = managedZone;
        this.ttl = ttl.toSeconds();
    }

    /** From {@code certfn.dns.gcp.*}; the project is required. */
    public static CloudDnsProvider fromConfig(DnsConfig config) {
        DnsConfig.Gcp gcp = config.gcp();
        String project = gcp.project().filter(p -> !p.isBlank()).orElseThrow(() -> new IllegalStateException(
                "certfn.dns.gcp.project is required for certfn.dns.provider=gcp (the project that holds the managed zone)"));
        Supplier<String> token = gcp.accessToken().<Supplier<String>>map(t -> () -> t).orElseGet(() -> GoogleTokens.applicationDefault(SCOPE));
        return new CloudDnsProvider(new JsonHttp("Google Cloud DNS", token, DnsException::new), gcp.endpoint(), project, gcp.managedZone(), config.ttl());
    }

    @Override
    protected String providerName() {
        return "Google Cloud DNS";
    }

    @Override
    protected Optional<HostedZone> configuredZone(String fqdn) {
        return managedZone.map(z -> new HostedZone(z, z));
    }

    @Override
    protected String zoneSource() {
        return "public managed zones of project " + project;
    }

    @Override
    protected List<HostedZone> listZones() {
        List<HostedZone> found = new ArrayList<>();
        String page = null;
        do {
            JsonHttp.Response r = http.send("GET", base + (page == null ? "" : "?pageToken=" + encode(page)), null, Map.of());
            check(r, "list the managed zones of project " + project);
            for (JsonNode zone : r.body().path("managedZones")) {
                if (!"private".equals(zone.path("visibility").asText())) {
                    found.add(new HostedZone(zone.path("name").asText(), zone.path("dnsName").asText()));
                }
            }
            page = r.body().path("nextPageToken").asText(null);
        } while (page != null);
        return found;
    }

    @Override
    protected RecordSet read(HostedZone zone, String fqdn) {
        JsonHttp.Response r = http.send("GET", base + "/" + zone.id() + "/rrsets?type=TXT&name=" + encode(fqdn + "."), null, Map.of());
        check(r, "read TXT " + fqdn);
        for (JsonNode set : r.body().path("rrsets")) {
            List<String> values = new ArrayList<>();
            set.path("rrdatas").forEach(v -> values.add(ChallengeRecord.unquote(v.asText())));
            return new RecordSet(values, set);
        }
        return new RecordSet(List.of(), null);
    }

    @Override
    protected boolean write(HostedZone zone, String fqdn, RecordSet current, List<String> values) {
        Map<String, Object> change = new LinkedHashMap<>();
        if (current.version() != null) {
            change.put("deletions", List.of(current.version()));
        }
        if (!values.isEmpty()) {
            change.put("additions", List.of(Map.of("name", fqdn + ".", "type", "TXT", "ttl", ttl,
                    "rrdatas", values.stream().map(ChallengeRecord::quoted).toList())));
        }
        JsonHttp.Response r = http.send("POST", base + "/" + zone.id() + "/changes", change, Map.of());
        if (r.status() == 412 || r.status() == 409 || (r.status() == 404 && current.version() != null)) {
            return false;
        }
        check(r, "change TXT " + fqdn);
        return true;
    }

    private void check(JsonHttp.Response r, String what) {
        if (r.ok()) {
            return;
        }
        String message = r.body().path("error").path("message").asText("no detail");
        String hint = switch (r.status()) {
            case 401 -> " The service account's token was not accepted.";
            case 403 -> " The service account needs roles/dns.admin on project " + project
                    + " (or dns.changes.create, dns.resourceRecordSets.list/create/update/delete, dns.managedZones.list).";
            case 404 -> " Check certfn.dns.gcp.project and certfn.dns.gcp.managed-zone.";
            default -> "";
        };
        throw new DnsException("Google Cloud DNS refused to " + what + ": HTTP " + r.status() + " (" + message + ")." + hint);
    }


    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
