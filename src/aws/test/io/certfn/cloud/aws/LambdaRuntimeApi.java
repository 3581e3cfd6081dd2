package io.certfn.cloud.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The AWS Lambda Runtime API as a function's runtime sees it, on 127.0.0.1: what Lambda's java21
 * runtime (the Runtime Interface Client) polls for events and answers to. Written from AWS's
 * reference "Using the Lambda runtime API for custom runtimes" (API version 2018-06-01):
 * <ul>
 * <li>{@code GET /2018-06-01/runtime/invocation/next} blocks until an event is queued, then answers
 * it with {@code Lambda-Runtime-Aws-Request-Id}, {@code Lambda-Runtime-Deadline-Ms},
 * {@code Lambda-Runtime-Invoked-Function-Arn} and {@code Lambda-Runtime-Trace-Id};</li>
 * <li>{@code POST .../invocation/{id}/response} and {@code .../invocation/{id}/error} complete that
 * invocation ({@code 202}; an unknown id is {@code 400});</li>
 * <li>{@code POST /2018-06-01/runtime/init/error} reports a failed initialisation ({@code 202}).</li>
 * </ul>
 * Each {@link #invoke} is what a direct {@code lambda:InvokeFunction} delivers: the caller's event,
 * as written, whatever identity it claims. Not modelled: the 6 MB payload limit, response streaming.
 */
final class LambdaRuntimeApi implements AutoCloseable {

    private static final String PREFIX = "/2018-06-01/runtime/";

    private record Invocation(String id, String event, CompletableFuture<String> result) {
    }

    private final HttpServer server;
    private final BlockingQueue<Invocation> queued = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> running = new ConcurrentHashMap<>();
    private final CompletableFuture<String> initError = new CompletableFuture<>();

    LambdaRuntimeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lambda-runtime-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Delivers {@code event} to the function and waits for its answer (the function's response
     * document).
     *
     * @throws IllegalStateException when the function reports an error, failed to start, or does not answer in time
     */
    String invoke(String event, Duration timeout) throws Exception {
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), event, new CompletableFuture<>());
        queued.add(invocation);
        CompletableFuture<Object> first = CompletableFuture.anyOf(invocation.result(), initError);
        Object answer = first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (initError.isDone()) {
            throw new IllegalStateException("The function failed to initialise: " + initError.get());
        }
        return (String) answer;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
        byte[] body = exchange.getRequestBody().readAllBytes();
        try {
            if (path.equals("invocation/next") && exchange.getRequestMethod().equals("GET")) {
                Invocation next = queued.take();
                running.put(next.id(), next);
                exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", next.id());
                exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 900_000));
                exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:eu-west-1:123456789012:function:certfn");
                exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
                respond(exchange, 200, next.event());
            } else if (path.startsWith("invocation/") && exchange.getRequestMethod().equals("POST")) {
                String[] parts = path.split("/");
                Invocation done = parts.length == 3 ? running.remove(parts[1]) : null;
                if (done == null) {
                    respond(exchange, 400, "{\"errorMessage\":\"unknown request id\",\"errorType\":\"InvalidRequestID\"}");
                    return;
                }
                String text = new String(body, StandardCharsets.UTF_8);
                if (parts[2].equals("response")) {
                    done.result().complete(text);
                } else {
                    done.result().completeExceptionally(new IllegalStateException("The function reported an error: " + text));
                }
                respond(exchange, 202, "{\"status\":\"OK\"}");
            } else if (path.equals("init/error")) {
                initError.complete(new String(body, StandardCharsets.UTF_8));
                respond(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                respond(exchange, 404, "{\"errorMessage\":\"no such path\"}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
