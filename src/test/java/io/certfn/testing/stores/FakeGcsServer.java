package io.certfn.testing.stores;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.certfn.testing.HttpQueries;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A Google Cloud Storage JSON API server for tests, holding objects in memory.
 *
 * <p>No GCS emulator can be obtained on this project's build machines (fake-gcs-server,
 * storage-testbench and the Firebase emulator all need downloads from outside Maven Central,
 * Debian and npm), so this server implements the part of the JSON API that certfn's client
 * uses, following Google's reference (cloud.google.com/storage/docs/json_api/v1/objects):
 * {@code objects.get} (metadata, and {@code alt=media} for the bytes), {@code objects.insert}
 * as a multipart upload, {@code objects.delete} and {@code objects.list} with {@code prefix} and
 * page tokens. It enforces the generation preconditions the way GCS documents them:
 * {@code ifGenerationMatch=0} succeeds only when no live object exists, any other value only
 * when it equals the live generation, otherwise {@code 412 conditionNotMet}; a missing object
 * is {@code 404}. Every request is handled under one lock, so preconditions are atomic.
 * It is driven by the real {@code google-cloud-storage} client.
 */
public final class FakeGcsServer implements AutoCloseable {

    private record StoredObject(byte[] data, long generation) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE_SIZE = 3;

    private final HttpServer server;
    private final Map<String, NavigableMap<String, StoredObject>> buckets = new HashMap<>();
    private long nextGeneration = 1_700_000_000_000_000L;
    private volatile int failWith;

    private FakeGcsServer(HttpServer server) {
        this.server = server;
    }

    /** Starts on a free 127.0.0.1 port with one empty bucket. */
    public static FakeGcsServer start(String bucket) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        FakeGcsServer fake = new FakeGcsServer(http);
        fake.buckets.put(bucket, new TreeMap<>());
        http.createContext("/", fake::handle);
        http.setExecutor(Executors.newFixedThreadPool(16));
        http.start();
        return fake;
    }

    /** The base URL to give the client as its host. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on answer every request with {@code status} (0: behave again), as an outage would. */
    public void failWith(int status) {
        this.failWith = status;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (failWith != 0) {
                error(exchange, failWith, "backendError", "induced failure");
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> query = HttpQueries.parse(exchange.getRequestURI().getRawQuery());
            String method = exchange.getRequestMethod();
            synchronized (this) {
                if (method.equals("POST") && path.matches("/upload/storage/v1/b/[^/]+/o")) {
                    insert(exchange, segment(path, 5), query);
                } else if (path.matches("/(download/)?storage/v1/b/[^/]+/o/[^/]+")) {
                    String[] parts = path.substring(path.indexOf("/b/") + 3).split("/o/");
                    String bucket = HttpQueries.decode(parts[0]);
                    String name = HttpQueries.decode(parts[1]);
                    switch (method) {
                        case "GET" -> get(exchange, bucket, name, query, path.startsWith("/download/"));
                        case "DELETE" -> delete(exchange, bucket, name, query);
                        default -> error(exchange, 405, "methodNotAllowed", method);
                    }
                } else if (method.equals("GET") && path.matches("/storage/v1/b/[^/]+/o")) {
                    list(exchange, segment(path, 4), query);
                } else {
                    error(exchange, 501, "notImplemented", method + " " + path + " is not part of this test server");
                }
            }
        }
    }

    private void get(HttpExchange exchange, String bucket, String name, Map<String, String> query, boolean download)
            throws IOException {
        NavigableMap<String, StoredObject> objects = bucket(exchange, bucket);
        if (objects == null) {
            return;
        }
        StoredObject object = objects.get(name);
        if (object == null || (query.containsKey("generation") && Long.parseLong(query.get("generation")) != object.generation)) {
            error(exchange, 404, "notFound", "No such object: " + bucket + "/" + name);
            return;
        }
        if (!preconditionHolds(exchange, object, query)) {
            return;
        }
        if (download || "media".equals(query.get("alt"))) {
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.getResponseHeaders().add("x-goog-generation", Long.toString(object.generation));
            exchange.sendResponseHeaders(200, object.data.length == 0 ? -1 : object.data.length);
            exchange.getResponseBody().write(object.data);
        } else {
            json(exchange, 200, metadata(bucket, name, object));
        }
    }

    private void insert(HttpExchange exchange, String bucket, Map<String, String> query) throws IOException {
        NavigableMap<String, StoredObject> objects = bucket(exchange, bucket);
        if (objects == null) {
            return;
        }
        if (!"multipart".equals(query.get("uploadType"))) {
            error(exchange, 501, "notImplemented", "uploadType=" + query.get("uploadType"));
            return;
        }
        byte[] body = body(exchange);
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String boundary = contentType.substring(contentType.indexOf("boundary=") + "boundary=".length()).replace("\"", "");
        List<byte[]> parts = multipartParts(body, boundary);
        if (parts.size() != 2) {
            error(exchange, 400, "invalid", "a multipart upload has a metadata part and a media part, got " + parts.size());
            return;
        }
        String name = JSON.readTree(parts.get(0)).path("name").asText(query.get("name"));
        StoredObject current = objects.get(name);
        if (!preconditionHolds(exchange, current, query)) {
            return;
        }
        StoredObject written = new StoredObject(parts.get(1), nextGeneration++);
        objects.put(name, written);
        json(exchange, 200, metadata(bucket, name, written));
    }

    private void delete(HttpExchange exchange, String bucket, String name, Map<String, String> query) throws IOException {
        NavigableMap<String, StoredObject> objects = bucket(exchange, bucket);
        if (objects == null) {
            return;
        }
        StoredObject current = objects.get(name);
        if (current == null) {
            error(exchange, 404, "notFound", "No such object: " + bucket + "/" + name);
            return;
        }
        if (!preconditionHolds(exchange, current, query)) {
            return;
        }
        objects.remove(name);
        exchange.sendResponseHeaders(204, -1);
    }

    private void list(HttpExchange exchange, String bucket, Map<String, String> query) throws IOException {
        NavigableMap<String, StoredObject> objects = bucket(exchange, bucket);
        if (objects == null) {
            return;
        }
        String prefix = query.getOrDefault("prefix", "");
        String after = query.get("pageToken");
        ObjectNode answer = JSON.createObjectNode().put("kind", "storage#objects");
        ArrayNode items = answer.putArray("items");
        String last = null;
        for (Map.Entry<String, StoredObject> e : (after == null ? objects : objects.tailMap(after, false)).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            if (items.size() == PAGE_SIZE) {
                answer.put("nextPageToken", last);
                break;
            }
            items.add(metadata(bucket, e.getKey(), e.getValue()));
            last = e.getKey();
        }
        json(exchange, 200, answer);
    }

    /** GCS's rule: ifGenerationMatch=0 means "no live object"; any other value must equal the live generation. */
    private boolean preconditionHolds(HttpExchange exchange, StoredObject current, Map<String, String> query) throws IOException {
        String match = query.get("ifGenerationMatch");
        if (match == null) {
            return true;
        }
        long expected = Long.parseLong(match);
        boolean holds = expected == 0 ? current == null : current != null && current.generation == expected;
        if (!holds) {
            error(exchange, 412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
        }
        return holds;
    }

    private NavigableMap<String, StoredObject> bucket(HttpExchange exchange, String bucket) throws IOException {
        NavigableMap<String, StoredObject> objects = buckets.get(bucket);
        if (objects == null) {
            error(exchange, 404, "notFound", "The specified bucket does not exist.");
        }
        return objects;
    }

    private static ObjectNode metadata(String bucket, String name, StoredObject object) {
        return JSON.createObjectNode()
                .put("kind", "storage#object")
                .put("id", bucket + "/" + name + "/" + object.generation)
                .put("bucket", bucket)
                .put("name", name)
                .put("generation", Long.toString(object.generation))
                .put("metageneration", "1")
                .put("contentType", "application/octet-stream")
                .put("size", Integer.toString(object.data.length));
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(new ByteArrayInputStream(in.readAllBytes()));
        }
        return in.readAllBytes();
    }

    /** The bodies of a multipart/related message (RFC 2046), headers stripped. */
    private static List<byte[]> multipartParts(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<byte[]> parts = new java.util.ArrayList<>();
        int start = indexOf(body, delimiter, 0);
        while (start >= 0) {
            int contentStart = start + delimiter.length;
            if (contentStart + 1 < body.length && body[contentStart] == '-' && body[contentStart + 1] == '-') {
                break;
            }
            int next = indexOf(body, delimiter, contentStart);
            if (next < 0) {
                break;
            }
            byte[] part = Arrays.copyOfRange(body, contentStart, next);
            int headersEnd = indexOf(part, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
            int end = part.length;
            if (end >= 2 && part[end - 2] == '\r' && part[end - 1] == '\n') {
                end -= 2;
            }
            parts.add(Arrays.copyOfRange(part, headersEnd + 4, end));
            start = next;
        }
        return parts;
    }

    private static int indexOf(byte[] data, byte[] needle, int from) {
        outer:
        for (int i = from; i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void error(HttpExchange exchange, int status, String reason, String message) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode inner = error.putObject("error").put("code", status).put("message", message);
        inner.putArray("errors").addObject().put("reason", reason).put("message", message).put("domain", "global");
        json(exchange, status, error);
    }

    private static void json(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String segment(String path, int index) {
        return HttpQueries.decode(path.split("/")[index]);
    }


}
