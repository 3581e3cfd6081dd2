package io.certfn.testing.dnsapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cloudflare's API v4 as documented at developers.cloudflare.com/api (DNS Records for a Zone:
 * List, Create, Delete; Zones: List with {@code name}): the {@code {success, errors, result}}
 * envelope, {@code Authorization: Bearer} tokens (403 with error 10000 otherwise), one record
 * per TXT value, 81058 "An identical record already exists", 81044 for a missing record, and 429
 * with error 971 when rate-limited.
 */
public final class FakeCloudflareApi extends FakeHttpApi {

    private record TxtRecord(String zoneId, String name, String content) {
    }

    private final Map<String, TxtRecord> records = new LinkedHashMap<>();

    @Override
    protected String zoneId(String name) {
        return "zone" + Integer.toHexString(name.hashCode());
    }

    @Override
    public Map<String, String> certfnConfig(String token) {
        return Map.of("certfn.dns.provider", "cloudflare", "certfn.dns.cloudflare.api-token", token,
                "certfn.dns.cloudflare.endpoint", url() + "/client/v4");
    }

    @Override
    protected Reply handle(String method, String path, Map<String, String> query, JsonNode body, Headers headers) {
        List<String> s = segments(path);
        if (s.size() < 3 || !s.get(0).equals("client") || !s.get(1).equals("v4") || !s.get(2).equals("zones")) {
            return error(404, 7003, "Could not route to " + path);
        }
        if (s.size() == 3 && method.equals("GET")) {
            List<Map<String, Object>> result = new ArrayList<>();
            zones.values().stream().filter(z -> z.name.equals(query.get("name")))
                    .forEach(z -> result.add(Map.of("id", z.id, "name", z.name, "status", "active")));
            return ok(result);
        }
        Zone zone = zoneById(s.get(3));
        if (zone == null) {
            return error(404, 7003, "Could not route to " + path + ", perhaps your object identifier is invalid?");
        }
        if (s.size() == 5 && s.get(4).equals("dns_records") && method.equals("GET")) {
            List<Map<String, Object>> result = new ArrayList<>();
            records.forEach((id, r) -> {
                if (r.zoneId.equals(zone.id) && r.name.equals(query.get("name")) && "TXT".equals(query.get("type"))) {
                    result.add(Map.of("id", id, "type", "TXT", "name", r.name, "content", "\"" + r.content + "\""));
                }
            });
            return ok(result);
        }
        if (s.size() == 5 && s.get(4).equals("dns_records") && method.equals("POST")) {
            String name = body.path("name").asText();
            String content = body.path("content").asText();
            if (!body.path("type").asText().equals("TXT") || content.isEmpty() || !(name.equals(zone.name) || name.endsWith("." + zone.name))) {
                return error(400, 9000, "DNS name is invalid.");
            }
            if (records.values().stream().anyMatch(r -> r.zoneId.equals(zone.id) && r.name.equals(name) && r.content.equals(content))) {
                return error(400, 81058, "An identical record already exists.");
            }
            String id = "rec" + nextId();
            records.put(id, new TxtRecord(zone.id, name, content));
            zone.txt.computeIfAbsent(name, n -> new ArrayList<>()).add(content);
            return ok(Map.of("id", id, "type", "TXT", "name", name, "content", content));
        }
        if (s.size() == 6 && s.get(4).equals("dns_records") && method.equals("DELETE")) {
            TxtRecord removed = records.remove(s.get(5));
            if (removed == null) {
                return error(404, 81044, "Record does not exist.");
            }
            List<String> values = zone.txt.get(removed.name);
            values.remove(removed.content);
            if (values.isEmpty()) {
                zone.txt.remove(removed.name);
            }
            return ok(Map.of("id", s.get(5)));
        }
        return error(405, 10405, "Method not allowed");
    }

    @Override
    protected Reply unauthorized() {
        return error(403, 10000, "Authentication error");
    }

    @Override
    protected Reply failure(int status) {
        return status == 429 ? new Reply(429, envelope(false, 971, "Please wait and consider throttling your request speed", null),
                Map.of("Retry-After", "0")) : error(status, 10001, "service unavailable");
    }

    private static Reply ok(Object result) {
        return Reply.of(200, envelope(true, 0, null, result));
    }

    private static Reply error(int status, int code, String message) {
        return Reply.of(status, envelope(false, code, message, null));
    }

    private static Map<String, Object> envelope(boolean success, int code, String message, Object result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", success);
        body.put("errors", success ? List.of() : List.of(Map.of("code", code, "message", message)));
        body.put("messages", List.of());
        body.put("result", result);
        return body;
    }
}
