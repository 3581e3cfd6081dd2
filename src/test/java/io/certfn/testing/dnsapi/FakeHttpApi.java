package io.certfn.testing.dnsapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.certfn.testing.HttpQueries;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared part of the in-test DNS API servers: a JDK HTTP server on 127.0.0.1 that checks the
 * bearer token, can be told to fail, and holds zones with their TXT record sets. Each request is
 * handled under one lock, like one consistent backend.
 */
abstract class FakeHttpApi implements DnsApiServer {

    protected static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: status, JSON body (null: none) and headers. */
    protected record Reply(int status, Object body, Map<String, String> headers) {
        static Reply of(int status, Object body) {
            return new Reply(status, body, Map.of());
        }
    }

    /** A zone: its id, apex and TXT record sets (name → values), with a version per set for ETags. */
    protected static final class Zone {
        final String id;
        final String name;
        final Map<String, List<String>> txt = new LinkedHashMap<>();
        final Map<String, Integer> versions = new HashMap<>();

        Zone(String id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    private final HttpServer server;
    private final String token = "token-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    private final AtomicInteger failures = new AtomicInteger();
    private volatile int failStatus;
    protected final Map<String, Zone> zones = new LinkedHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    protected FakeHttpApi() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::dispatch);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    protected String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    protected String nextId() {
        return Integer.toString(ids.incrementAndGet());
    }

    /** Handles an authenticated request. */
    protected abstract Reply handle(String method, String path, Map<String, String> query, JsonNode body, Headers headers);

    /** The provider's answer to a missing or wrong token. */
    protected abstract Reply unauthorized();

    /** The provider's answer to an induced failure with {@code status}. */
    protected abstract Reply failure(int status);

    @Override
    public synchronized void addZone(String name) {
        String id = zoneId(name);
        zones.put(id, new Zone(id, name));
    }

    /** The id the API gives a new zone with apex {@code name}. */
    protected abstract String zoneId(String name);

    @Override
    public synchronized List<String> txt(String fqdn) {
        for (Zone zone : zones.values()) {
            List<String> values = zone.txt.get(fqdn);
            if (values != null) {
                return List.copyOf(values);
            }
        }
        return List.of();
    }

    @Override
    public String token() {
        return token;
    }

    @Override
    public void failNext(int status, int times) {
        failStatus = status;
        failures.set(times);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            Reply reply;
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply = failure(failStatus);
            } else if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply = unauthorized();
            } else {
                byte[] raw = exchange.getRequestBody().readAllBytes();
                JsonNode body = raw.length == 0 ? MissingNode.getInstance() : JSON.readTree(raw);
                synchronized (this) {
                    reply = handle(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                            HttpQueries.parse(exchange.getRequestURI().getRawQuery()), body, exchange.getRequestHeaders());
                }
            }
            reply.headers().forEach(exchange.getResponseHeaders()::add);
            byte[] out = reply.body() == null ? new byte[0] : JSON.writeValueAsBytes(reply.body());
            if (reply.body() != null) {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
        }
    }



    protected static List<String> segments(String path) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                parts.add(HttpQueries.decode(p));
            }
        }
        return parts;
    }

    protected Zone zoneById(String id) {
        return zones.get(id);
    }
}
