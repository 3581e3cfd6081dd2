package io.certfn.testing.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Google Certificate Manager's REST API v1, for certfn's Certificate Manager client:
 * no emulator exists or can be installed here (../shared/TESTBED.md). Written from the API
 * reference (certificatemanager.googleapis.com, "REST Resource: projects.locations.certificates"
 * and "projects.locations.operations"):
 * <ul>
 * <li>{@code POST /v1/{parent}/certificates?certificateId=ID} creates, {@code PATCH
 *     /v1/{name}?updateMask=...} updates, {@code GET /v1/{name}} reads; create and patch answer a
 *     long-running Operation ({@code name}, {@code metadata} of type OperationMetadata,
 *     {@code done}), which {@code GET /v1/{operation name}} polls until {@code done} with the
 *     Certificate in {@code response} or a google.rpc.Status in {@code error}. Here an operation is
 *     done at its first poll.</li>
 * <li>{@code selfManaged.pemCertificate} (leaf first, then intermediates) and {@code
 *     selfManaged.pemPrivateKey} are input only; the Certificate answers {@code pemCertificate},
 *     {@code sanDnsnames}, {@code expireTime}, {@code labels}.</li>
 * <li>Errors as google.rpc.Status JSON: {@code 404 NOT_FOUND} for a missing certificate,
 *     {@code 409 ALREADY_EXISTS} for a create of an existing id, {@code 400 INVALID_ARGUMENT} for a
 *     bad PEM or a key that is not the certificate's, {@code 403 PERMISSION_DENIED} naming the
 *     missing permission, {@code 401 UNAUTHENTICATED} for a bad token.</li>
 * </ul>
 */
public final class FakeCertificateManager implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stored certificate: its resource name, leaf, labels, and how many times it was written. */
    public record Stored(String name, X509Certificate leaf, Map<String, String> labels, int writes) {
    }

    private final HttpServer server;
    private final String token = "cm-token-" + UUID.randomUUID();
    private final Map<String, Stored> certificates = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> operations = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean forbidden;

    private FakeCertificateManager() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    public static FakeCertificateManager start() {
        try {
            return new FakeCertificateManager();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String token() {
        return token;
    }

    /** The certificate {@code projects/P/locations/L/certificates/ID}, if any. */
    public java.util.Optional<Stored> certificate(String name) {
        return java.util.Optional.ofNullable(certificates.get(name));
    }

    /** Refuse writes as Certificate Manager refuses a service account without the permission. */
    public void forbid(boolean forbid) {
        forbidden = forbid;
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, 401, status(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login"
                        + " cookie or other valid authentication credential.", "UNAUTHENTICATED"));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String method = exchange.getRequestMethod();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!path.startsWith("/v1/projects/")) {
                reply(exchange, 404, status(404, "Not found: " + path, "NOT_FOUND"));
                return;
            }
            String name = path.substring("/v1/".length());
            if (method.equals("GET") && name.contains("/operations/")) {
                Map<String, Object> operation = operations.get(name);
                if (operation == null) {
                    reply(exchange, 404, status(404, "Operation '" + name + "' was not found", "NOT_FOUND"));
                    return;
                }
                operation.put("done", true);
                reply(exchange, 200, operation);
            } else if (method.equals("GET")) {
                Stored stored = certificates.get(name);
                if (stored == null) {
                    reply(exchange, 404, status(404, "Resource '" + name + "' was not found", "NOT_FOUND"));
                    return;
                }
                reply(exchange, 200, resource(stored));
            } else if (method.equals("POST") && name.endsWith("/certificates")) {
                write(exchange, name + "/" + query.getOrDefault("certificateId", ""), body, true);
            } else if (method.equals("PATCH")) {
                if (!query.containsKey("updateMask")) {
                    reply(exchange, 400, status(400, "updateMask is required", "INVALID_ARGUMENT"));
                    return;
                }
                write(exchange, name, body, false);
            } else {
                reply(exchange, 404, status(404, "Not found: " + method + " " + path, "NOT_FOUND"));
            }
        } catch (RuntimeException e) {
            reply(exchange, 500, status(500, e.toString(), "INTERNAL"));
        }
    }

    private void write(HttpExchange exchange, String name, byte[] body, boolean create) throws IOException {
        String id = name.substring(name.lastIndexOf('/') + 1);
        if (!id.matches("[a-z]([-a-z0-9]{0,61}[a-z0-9])?")) {
            reply(exchange, 400, status(400, "Invalid resource id '" + id + "'", "INVALID_ARGUMENT"));
            return;
        }
        if (forbidden) {
            String permission = create ? "certificatemanager.certs.create" : "certificatemanager.certs.update";
            reply(exchange, 403, status(403, "Permission '" + permission + "' denied on resource '//certificatemanager.googleapis.com/"
                    + name + "' (or it may not exist).", "PERMISSION_DENIED"));
            return;
        }
        Stored existing = certificates.get(name);
        if (create && existing != null) {
            reply(exchange, 409, status(409, "Resource '" + name + "' already exists", "ALREADY_EXISTS"));
            return;
        }
        if (!create && existing == null) {
            reply(exchange, 404, status(404, "Resource '" + name + "' was not found", "NOT_FOUND"));
            return;
        }
        JsonNode request = JSON.readTree(body);
        X509Certificate leaf;
        try {
            JsonNode self = request.path("selfManaged");
            List<X509Certificate> chain = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(
                    self.path("pemCertificate").asText().getBytes(StandardCharsets.US_ASCII)))) {
                chain.add((X509Certificate) c);
            }
            leaf = chain.get(0);
            String key = self.path("pemPrivateKey").asText().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            KeyFactory.getInstance(leaf.getPublicKey().getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key)));
        } catch (Exception e) {
            reply(exchange, 400, status(400, "Failed to parse the certificate or its private key: " + e.getMessage(), "INVALID_ARGUMENT"));
            return;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        request.path("labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
        Stored stored = new Stored(name, leaf, labels, existing == null ? 1 : existing.writes() + 1);
        certificates.put(name, stored);
        String parent = name.substring(0, name.indexOf("/certificates/"));
        String operationName = parent + "/operations/operation-" + ids.incrementAndGet();
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("name", operationName);
        operation.put("metadata", Map.of("@type", "type.googleapis.com/google.cloud.certificatemanager.v1.OperationMetadata",
                "createTime", Instant.now().toString(), "target", name, "verb", create ? "create" : "update", "apiVersion", "v1"));
        operation.put("done", false);
        Map<String, Object> response = new LinkedHashMap<>(resource(stored));
        response.put("@type", "type.googleapis.com/google.cloud.certificatemanager.v1.Certificate");
        operation.put("response", response);
        operations.put(operationName, operation);
        Map<String, Object> first = new LinkedHashMap<>(operation);
        first.remove("response");
        reply(exchange, 200, first);
    }

    private static Map<String, Object> resource(Stored stored) {
        try {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", stored.name());
            r.put("labels", stored.labels());
            r.put("pemCertificate", "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(stored.leaf().getEncoded()) + "\n-----END CERTIFICATE-----\n");
            List<String> sans = new ArrayList<>();
            if (stored.leaf().getSubjectAlternativeNames() != null) {
                stored.leaf().getSubjectAlternativeNames().forEach(san -> sans.add(String.valueOf(san.get(1))));
            }
            r.put("sanDnsnames", sans);
            r.put("expireTime", stored.leaf().getNotAfter().toInstant().toString());
            r.put("scope", "DEFAULT");
            return r;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> status(int code, String message, String status) {
        return Map.of("error", Map.of("code", code, "message", message, "status", status));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
