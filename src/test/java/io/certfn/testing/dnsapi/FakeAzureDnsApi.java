package io.certfn.testing.dnsapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Azure DNS through Azure Resource Manager as documented at learn.microsoft.com/rest/api/dns
 * (Zones - List By Resource Group; Record Sets - Get, Create Or Update, Delete; api-version
 * 2018-05-01): {@code api-version} is required (400 otherwise), record sets carry an
 * {@code etag} and honour {@code If-Match} / {@code If-None-Match: *} with 412
 * PreconditionFailed, a missing set is 404 NotFound, a missing zone 404 ResourceNotFound, a
 * missing token 401 AuthenticationFailed, throttling 429 with {@code Retry-After}.
 */
public final class FakeAzureDnsApi extends FakeHttpApi {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
    private static final String GROUP = "certfn-rg";

    @Override
    protected String zoneId(String name) {
        return name;
    }

    @Override
    public Map<String, String> certfnConfig(String token) {
        return Map.of("certfn.dns.provider", "azure", "certfn.dns.azure.subscription-id", SUBSCRIPTION,
                "certfn.dns.azure.resource-group", GROUP, "certfn.dns.azure.access-token", token,
                "certfn.dns.azure.endpoint", url());
    }

    @Override
    protected Reply handle(String method, String path, Map<String, String> query, JsonNode body, Headers headers) {
        if (!"2018-05-01".equals(query.get("api-version"))) {
            return error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required.");
        }
        List<String> s = segments(path);
        List<String> prefix = List.of("subscriptions", SUBSCRIPTION, "resourceGroups", GROUP, "providers", "Microsoft.Network", "dnsZones");
        if (s.size() < 7 || !s.subList(0, 7).equals(prefix)) {
            return error(404, "ResourceGroupNotFound", "Resource group not found: " + path);
        }
        if (s.size() == 7 && method.equals("GET")) {
            List<Object> value = new ArrayList<>();
            zones.values().forEach(z -> value.add(Map.of("id", "/" + String.join("/", prefix) + "/" + z.name, "name", z.name,
                    "type", "Microsoft.Network/dnszones", "properties", Map.of("nameServers", List.of("ns1-01.azure-dns.com.")))));
            return Reply.of(200, Map.of("value", value));
        }
        Zone zone = zoneById(s.get(7));
        if (zone == null) {
            return error(404, "ResourceNotFound", "The Resource 'Microsoft.Network/dnszones/" + s.get(7) + "' was not found.");
        }
        if (s.size() != 10 || !s.get(8).equals("TXT")) {
            return error(400, "BadRequest", "unsupported path " + path);
        }
        String name = s.get(9).equals("@") ? zone.name : s.get(9) + "." + zone.name;
        List<String> current = zone.txt.get(name);
        String etag = current == null ? null : "\"" + zone.versions.get(name) + "\"";
        String ifMatch = headers.getFirst("If-Match");
        String ifNoneMatch = headers.getFirst("If-None-Match");
        boolean conditionFails = (ifMatch != null && !ifMatch.equals(etag)) || ("*".equals(ifNoneMatch) && current != null);
        switch (method) {
            case "GET" -> {
                return current == null ? error(404, "NotFound", "The resource record '" + s.get(9) + "' does not exist.")
                        : Reply.of(200, recordSet(zone, s.get(9), current, etag));
            }
            case "PUT" -> {
                if (conditionFails) {
                    return error(412, "PreconditionFailed", "The condition '" + (ifMatch != null ? ifMatch : "*") + "' in the request was not satisfied.");
                }
                List<String> values = new ArrayList<>();
                for (JsonNode txt : body.path("properties").path("TXTRecords")) {
                    StringBuilder v = new StringBuilder();
                    txt.path("value").forEach(p -> v.append(p.asText()));
                    values.add(v.toString());
                }
                if (values.isEmpty() || body.path("properties").path("TTL").asLong() <= 0) {
                    return error(400, "BadRequest", "TXTRecords and TTL are required");
                }
                zone.txt.put(name, values);
                zone.versions.merge(name, 1, Integer::sum);
                return Reply.of(current == null ? 201 : 200, recordSet(zone, s.get(9), values, "\"" + zone.versions.get(name) + "\""));
            }
            case "DELETE" -> {
                if (current == null) {
                    return new Reply(204, null, Map.of());
                }
                if (conditionFails) {
                    return error(412, "PreconditionFailed", "The condition '" + ifMatch + "' in the request was not satisfied.");
                }
                zone.txt.remove(name);
                return new Reply(200, null, Map.of());
            }
            default -> {
                return error(405, "MethodNotAllowed", method);
            }
        }
    }

    private static Map<String, Object> recordSet(Zone zone, String relative, List<String> values, String etag) {
        return Map.of("name", relative, "type", "Microsoft.Network/dnszones/TXT", "etag", etag,
                "id", "/zones/" + zone.name + "/TXT/" + relative + "/" + UUID.nameUUIDFromBytes(relative.getBytes()),
                "properties", Map.of("TTL", 60, "fqdn", relative + "." + zone.name + ".",
                        "TXTRecords", values.stream().map(v -> Map.of("value", List.of(v))).toList()));
    }

    @Override
    protected Reply unauthorized() {
        return error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or invalid.");
    }

    @Override
    protected Reply failure(int status) {
        return status == 429 ? new Reply(429, Map.of("error", Map.of("code", "TooManyRequests",
                "message", "The request is being throttled.")), Map.of("Retry-After", "0")) : error(status, "InternalServerError", "try later");
    }

    private static Reply error(int status, String code, String message) {
        return Reply.of(status, Map.of("error", Map.of("code", code, "message", message)));
    }
}
