package io.certfn.testing.dnsapi;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.certfn.testing.HttpQueries;
import io.certfn.testing.SystemProperties;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Amazon Route 53 API 2013-04-01 as its API reference documents it, for what moto cannot model:
 * ListHostedZones, ListResourceRecordSets and ChangeResourceRecordSets in XML. A change batch is
 * atomic; a DELETE must name the record set exactly as it is (values and TTL) and a CREATE must
 * not find one, else the whole batch is refused with 400 {@code InvalidChangeBatch} — the
 * optimistic lock certfn relies on. Every request must be SigV4-signed for us-east-1/route53 with
 * the test's access key id, else 403 {@code InvalidClientTokenId}; throttling is 400 {@code
 * Throttling} ("Rate exceeded"), as Route 53 answers it; an action the role lacks ({@link #deny}) is
 * 403 {@code AccessDenied} naming it, as IAM answers. Requests reaching the second port are
 * answered as if signed with credentials AWS does not know, which is how a test gives one
 * provider wrong credentials while the SDK reads them from the process's default chain. A change
 * is {@code PENDING} until GetChange has been asked about it {@link #inSyncAfter} times, then
 * {@code INSYNC}, as Route 53 reports a change until all its name servers have it.
 */
public final class FakeRoute53Api implements DnsApiServer {

    private static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";

    /** One hosted zone: its TXT record sets, name (with trailing dot) → TTL and values. */
    private record RecordSet(long ttl, List<String> values) {
    }

    private final String accessKeyId;
    private final HttpServer server;
    private final HttpServer refusing;
    private final Map<String, String> zoneNames = new LinkedHashMap<>();
    private final Map<String, Map<String, RecordSet>> zones = new LinkedHashMap<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    /** IAM actions the caller's role lacks (route53:&lt;action&gt;), as an operator who forgot one leaves it. */
    private final java.util.Set<String> denied = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    /** Change id → GetChange calls about it so far. */
    private final Map<String, Integer> changePolls = new LinkedHashMap<>();
    private volatile int inSyncAfter = 1;

    private final SystemProperties credentials;

    /**
     * Accepts requests signed with the access key id it gives the process's default credential
     * chain (system properties, restored by {@link #close()}).
     */
    public FakeRoute53Api() {
        this.accessKeyId = "AKIDFAKEROUTE53";
        this.credentials = SystemProperties.set("aws.accessKeyId", accessKeyId, "aws.secretAccessKey", "route53-secret-never-shown");
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            refusing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> answer(exchange, dispatch(exchange, true)));
        refusing.createContext("/", exchange -> answer(exchange, dispatch(exchange, false)));
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        refusing.start();
    }

    private record Reply(int status, String xml) {
    }

    private Reply dispatch(HttpExchange exchange, boolean knownCredentials) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
        if (!knownCredentials || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=" + accessKeyId + "/")
                || !authorization.contains("/us-east-1/route53/aws4_request")) {
            return error(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        }
        requests.incrementAndGet();
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return error(400, "Throttling", "Rate exceeded");
        }
        List<String> path = new ArrayList<>();
        for (String segment : exchange.getRequestURI().getRawPath().split("/")) {
            if (!segment.isEmpty()) {
                path.add(HttpQueries.decode(segment));
            }
        }
        Map<String, String> query = HttpQueries.parse(exchange.getRequestURI().getRawQuery());
        String method = exchange.getRequestMethod();
        String action = action(method, path);
        if (denied.contains(action)) {
            // IAM's answer for a signed request the role's policy does not allow (Route 53 API reference, Common Errors).
            return error(403, "AccessDenied", "User: arn:aws:sts::123456789012:assumed-role/certfn/fn is not authorized to perform: route53:"
                    + action + " because no identity-based policy allows the route53:" + action + " action");
        }
        synchronized (this) {
            if (path.size() >= 3 && path.get(1).equals("change") && method.equals("GET")) {
                return getChange(path.get(path.size() - 1));
            }
            if (path.equals(List.of("2013-04-01", "hostedzone")) && method.equals("GET")) {
                return listZones();
            }
            if (path.size() == 4 && path.get(1).equals("hostedzone") && path.get(3).equals("rrset")) {
                Map<String, RecordSet> zone = zones.get(path.get(2));
                if (zone == null) {
                    return error(404, "NoSuchHostedZone", "No hosted zone found with ID: " + path.get(2));
                }
                return method.equals("GET") ? listRecordSets(zone, query) : change(zone, body);
            }
        }
        return error(404, "NotFound", "No such operation: " + method + " " + exchange.getRequestURI().getRawPath());
    }

    /** The IAM action a request needs, named as the Route 53 API reference names the operation. */
    private static String action(String method, List<String> path) {
        if (path.size() >= 3 && path.get(1).equals("change")) {
            return "GetChange";
        }
        if (path.size() == 4 && path.get(3).equals("rrset")) {
            return method.equals("GET") ? "ListResourceRecordSets" : "ChangeResourceRecordSets";
        }
        return "ListHostedZones";
    }

    private Reply listZones() {
        StringBuilder xml = new StringBuilder("<ListHostedZonesResponse xmlns=\"" + NS + "\"><HostedZones>");
        zoneNames.forEach((id, name) -> xml.append("<HostedZone><Id>/hostedzone/").append(id).append("</Id><Name>").append(name)
                .append(".</Name><CallerReference>").append(id).append("</CallerReference><Config><PrivateZone>false</PrivateZone>")
                .append("</Config><ResourceRecordSetCount>").append(zones.get(id).size() + 2).append("</ResourceRecordSetCount></HostedZone>"));
        return new Reply(200, xml.append("</HostedZones><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesResponse>").toString());
    }

    /** The record sets from {@code name}/{@code type} on; certfn asks for one, so the exact set or nothing is enough here. */
    private Reply listRecordSets(Map<String, RecordSet> zone, Map<String, String> query) {
        StringBuilder xml = new StringBuilder("<ListResourceRecordSetsResponse xmlns=\"" + NS + "\"><ResourceRecordSets>");
        String name = withDot(query.getOrDefault("name", ""));
        RecordSet set = zone.get(name);
        if (set != null && "TXT".equals(query.getOrDefault("type", "TXT"))) {
            xml.append(recordSetXml(name, set));
        }
        return new Reply(200, xml.append("</ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>")
                .append(query.getOrDefault("maxitems", "100")).append("</MaxItems></ListResourceRecordSetsResponse>").toString());
    }

    private Reply change(Map<String, RecordSet> zone, byte[] body) {
        Map<String, RecordSet> next = new LinkedHashMap<>(zone);
        List<String> problems = new ArrayList<>();
        for (Element change : elements(parse(body).getDocumentElement(), "Change")) {
            String action = text(change, "Action");
            Element set = elements(change, "ResourceRecordSet").get(0);
            String name = withDot(text(set, "Name"));
            if (!"TXT".equals(text(set, "Type"))) {
                problems.add("certfn only writes TXT, not " + text(set, "Type"));
                continue;
            }
            List<String> values = new ArrayList<>();
            for (Element record : elements(set, "ResourceRecord")) {
                values.add(text(record, "Value"));
            }
            RecordSet given = new RecordSet(Long.parseLong(text(set, "TTL")), values);
            RecordSet current = next.get(name);
            switch (action) {
                case "DELETE" -> {
                    if (current == null) {
                        problems.add("Tried to delete resource record set [name='" + name + "', type='TXT'] but it was not found");
                    } else if (!current.equals(given)) {
                        problems.add("Tried to delete resource record set [name='" + name
                                + "', type='TXT'] but the values provided do not match the current values");
                    } else {
                        next.remove(name);
                    }
                }
                case "CREATE" -> {
                    if (current != null) {
                        problems.add("Tried to create resource record set [name='" + name + "', type='TXT'] but it already exists");
                    } else {
                        next.put(name, given);
                    }
                }
                case "UPSERT" -> next.put(name, given);
                default -> problems.add("Unknown action " + action);
            }
        }
        if (!problems.isEmpty()) {
            // The shape Route 53 sends and the SDK reads (the reference's <InvalidChangeBatch> root is not what arrives).
            return error(400, "InvalidChangeBatch", "[" + String.join(", ", problems) + "]");
        }
        zone.clear();
        zone.putAll(next);
        String id = "C" + ids.incrementAndGet();
        changePolls.put(id, 0);
        return new Reply(200, "<ChangeResourceRecordSetsResponse xmlns=\"" + NS + "\"><ChangeInfo><Id>/change/" + id
                + "</Id><Status>PENDING</Status><SubmittedAt>2026-11-30T00:00:00Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>");
    }

    private Reply getChange(String id) {
        if (!changePolls.containsKey(id)) {
            return error(404, "NoSuchChange", "Could not find resource with ID: " + id);
        }
        int polls = changePolls.merge(id, 1, Integer::sum);
        String status = polls >= inSyncAfter ? "INSYNC" : "PENDING";
        return new Reply(200, "<GetChangeResponse xmlns=\"" + NS + "\"><ChangeInfo><Id>/change/" + id + "</Id><Status>" + status
                + "</Status><SubmittedAt>2026-11-30T00:00:00Z</SubmittedAt></ChangeInfo></GetChangeResponse>");
    }

    /** Changes are INSYNC from the {@code polls}-th GetChange about them on (1: the first; {@code Integer.MAX_VALUE}: never). */
    public void inSyncAfter(int polls) {
        inSyncAfter = polls;
    }

    /** The GetChange calls made about each change, by change id, oldest change first. */
    public synchronized Map<String, Integer> changePolls() {
        return new LinkedHashMap<>(changePolls);
    }

    private static String recordSetXml(String name, RecordSet set) {
        StringBuilder xml = new StringBuilder("<ResourceRecordSet><Name>" + name + "</Name><Type>TXT</Type><TTL>" + set.ttl() + "</TTL><ResourceRecords>");
        set.values().forEach(v -> xml.append("<ResourceRecord><Value>").append(v.replace("&", "&amp;").replace("<", "&lt;")).append("</Value></ResourceRecord>"));
        return xml.append("</ResourceRecords></ResourceRecordSet>").toString();
    }

    private static Reply error(int status, String code, String message) {
        return new Reply(status, "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>"
                + message + "</Message></Error><RequestId>r-0</RequestId></ErrorResponse>");
    }

    private static void answer(HttpExchange exchange, Reply reply) throws IOException {
        try (exchange) {
            byte[] out = ("<?xml version=\"1.0\"?>\n" + reply.xml()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.getResponseHeaders().add("x-amzn-RequestId", "r-1");
            exchange.sendResponseHeaders(reply.status(), out.length);
            exchange.getResponseBody().write(out);
        }
    }

    private static Document parse(byte[] xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        } catch (Exception e) {
            throw new IllegalStateException("not XML: " + new String(xml, StandardCharsets.UTF_8), e);
        }
    }

    private static List<Element> elements(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        List<Element> found = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            found.add((Element) nodes.item(i));
        }
        return found;
    }

    private static String text(Element parent, String tag) {
        List<Element> found = elements(parent, tag);
        return found.isEmpty() ? "" : found.get(0).getTextContent();
    }

    private static String withDot(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    @Override
    public synchronized void addZone(String name) {
        String id = "Z" + Integer.toString(ids.incrementAndGet() + 1000, 36).toUpperCase();
        zoneNames.put(id, name);
        zones.put(id, new LinkedHashMap<>());
    }

    @Override
    public synchronized List<String> txt(String fqdn) {
        for (Map<String, RecordSet> zone : zones.values()) {
            RecordSet set = zone.get(fqdn + ".");
            if (set != null) {
                return set.values().stream().map(v -> v.replace("\"", "")).toList();
            }
        }
        return List.of();
    }

    @Override
    public Map<String, String> certfnConfig(String token) {
        HttpServer target = token.equals(token()) ? server : refusing;
        return Map.of("certfn.dns.provider", "route53", "certfn.dns.route53.endpoint", "http://127.0.0.1:" + target.getAddress().getPort());
    }

    /** Stands for "the credentials this server knows"; the SDK itself signs with the default chain's. */
    @Override
    public String token() {
        return "known-credentials";
    }

    /** Throttles the next {@code times} requests (Route 53 throttles with 400 Throttling, whatever {@code status}). */
    @Override
    public void failNext(int status, int times) {
        failures.set(times);
    }

    /** From now on the caller's role lacks {@code route53:<action>} (e.g. {@code ListHostedZones}); none: every action allowed again. */
    public void deny(String... actions) {
        denied.clear();
        denied.addAll(List.of(actions));
    }

    /** Requests that reached the server with known credentials so far. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        refusing.stop(0);
        credentials.close();
    }
}
