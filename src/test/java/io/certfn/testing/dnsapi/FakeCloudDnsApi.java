package io.certfn.testing.dnsapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Google Cloud DNS API v1 as documented at cloud.google.com/dns/docs/reference/rest/v1
 * (managedZones.list, resourceRecordSets.list with {@code name}/{@code type}, changes.create):
 * TXT rrdatas are quoted strings; a change is atomic, its deletions must match the existing set
 * exactly (else 412 conditionNotMet) and its additions must not exist (else 409 alreadyExists);
 * a missing or wrong OAuth token is 401 UNAUTHENTICATED; 429 RESOURCE_EXHAUSTED when throttled.
 */
public final class FakeCloudDnsApi extends FakeHttpApi {

    private static final String PROJECT = "certfn-test";

    @Override
    protected String zoneId(String name) {
        return "zone-" + name.replace('.', '-');
    }

    @Override
    public Map<String, String> certfnConfig(String token) {
        return Map.of("certfn.dns.provider", "gcp", "certfn.dns.gcp.project", PROJECT,
                "certfn.dns.gcp.access-token", token, "certfn.dns.gcp.endpoint", url());
    }

    @Override
    protected Reply handle(String method, String path, Map<String, String> query, JsonNode body, Headers headers) {
        List<String> s = segments(path);
        if (s.size() < 5 || !s.subList(0, 5).equals(List.of("dns", "v1", "projects", PROJECT, "managedZones"))) {
            return error(404, "NOT_FOUND", "The requested resource '" + path + "' was not found");
        }
        if (s.size() == 5 && method.equals("GET")) {
            List<Map<String, Object>> list = new ArrayList<>();
            zones.values().forEach(z -> list.add(Map.of("kind", "dns#managedZone", "name", z.id, "dnsName", z.name + ".",
                    "visibility", "public", "nameServers", List.of("ns-cloud-a1.googledomains.com."))));
            return Reply.of(200, Map.of("kind", "dns#managedZonesListResponse", "managedZones", list));
        }
        Zone zone = zoneById(s.get(5));
        if (zone == null) {
            return error(404, "NOT_FOUND", "The 'parameters.managedZone' resource named '" + s.get(5) + "' does not exist.");
        }
        if (s.size() == 7 && s.get(6).equals("rrsets") && method.equals("GET")) {
            String name = strip(query.get("name"));
            List<Object> sets = new ArrayList<>();
            if ("TXT".equals(query.get("type")) && zone.txt.containsKey(name)) {
                sets.add(rrset(name, zone.txt.get(name)));
            }
            return Reply.of(200, Map.of("kind", "dns#resourceRecordSetsListResponse", "rrsets", sets));
        }
        if (s.size() == 7 && s.get(6).equals("changes") && method.equals("POST")) {
            Map<String, List<String>> next = new LinkedHashMap<>(zone.txt);
            for (JsonNode deletion : body.path("deletions")) {
                String name = strip(deletion.path("name").asText());
                List<String> current = zone.txt.get(name);
                if (current == null || !quoted(current).equals(values(deletion)) || deletion.path("ttl").asLong() != 60) {
                    return error(412, "FAILED_PRECONDITION", "conditionNotMet: the deleted record set does not match " + name);
                }
                next.remove(name);
            }
            for (JsonNode addition : body.path("additions")) {
                String name = strip(addition.path("name").asText());
                if (!addition.path("type").asText().equals("TXT") || !name.endsWith(zone.name)) {
                    return error(400, "INVALID_ARGUMENT", "invalid addition " + addition);
                }
                if (next.containsKey(name)) {
                    return error(409, "ALREADY_EXISTS", "alreadyExists: the resource '" + name + "' TXT already exists");
                }
                List<String> unquoted = new ArrayList<>();
                for (String v : values(addition)) {
                    if (!v.startsWith("\"") || !v.endsWith("\"")) {
                        return error(400, "INVALID_ARGUMENT", "TXT rrdata must be quoted: " + v);
                    }
                    unquoted.add(v.substring(1, v.length() - 1));
                }
                next.put(name, unquoted);
            }
            zone.txt.clear();
            zone.txt.putAll(next);
            return Reply.of(200, Map.of("kind", "dns#change", "id", nextId(), "status", "pending"));
        }
        return error(405, "METHOD_NOT_ALLOWED", method + " " + path);
    }

    private static Map<String, Object> rrset(String name, List<String> values) {
        return Map.of("kind", "dns#resourceRecordSet", "name", name + ".", "type", "TXT", "ttl", 60, "rrdatas", quoted(values));
    }

    private static List<String> quoted(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").toList();
    }

    private static List<String> values(JsonNode set) {
        List<String> values = new ArrayList<>();
        set.path("rrdatas").forEach(v -> values.add(v.asText()));
        return values;
    }

    private static String strip(String name) {
        return name == null ? "" : name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    @Override
    protected Reply unauthorized() {
        return error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.");
    }

    @Override
    protected Reply failure(int status) {
        return status == 429 ? new Reply(429, Map.of("error", Map.of("code", 429, "message", "Quota exceeded",
                "status", "RESOURCE_EXHAUSTED")), Map.of("Retry-After", "0")) : error(status, "UNAVAILABLE", "backend unavailable");
    }

    private static Reply error(int status, String code, String message) {
        return Reply.of(status, Map.of("error", Map.of("code", status, "message", message, "status", code)));
    }
}
