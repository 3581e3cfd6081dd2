package io.certfn.cloud.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The REST calls of the cloud APIs certfn speaks without an SDK (Azure DNS, Cloud DNS, Cloudflare,
 * Google Certificate Manager):
 * JSON in and out with the JDK's HTTP client and a bearer token, retrying throttling (429,
 * honouring {@code Retry-After}) and server errors with backoff, a bounded number of times.
 * Written by hand because the official SDKs for these APIs are large (ARM, gRPC) for four calls
 * each, and Certificate Manager's is not served by the Maven mirror this project builds from.
 */
public final class JsonHttp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 4;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

    /** An answer: status, parsed body (missing when empty or not JSON) and headers. */
    public record Response(int status, JsonNode body, HttpResponse<String> raw) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final String provider;
    private final Supplier<String> token;
    private final java.util.function.BiFunction<String, Throwable, RuntimeException> failure;
    private volatile HttpClient http;

    /**
     * @param provider the API's name for error messages
     * @param token the bearer token, asked for on every call (the supplier caches and refreshes)
     * @param failure the caller's exception for a call that could not be made (message, cause or null)
     */
    public JsonHttp(String provider, Supplier<String> token, java.util.function.BiFunction<String, Throwable, RuntimeException> failure) {
        this.provider = provider;
        this.token = token;
        this.failure = failure;
    }

    /**
     * Sends one call; 2xx and 4xx answers are returned, 429 and 5xx are retried, and a network
     * failure or a last 429/5xx throws.
     */
    public Response send(String method, String url, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Accept", "application/json");
        String bearer;
        try {
            bearer = token.get();
        } catch (RuntimeException e) {
            throw failure.apply(provider + ": no access token could be obtained for the function's identity: " + e.getMessage(), e);
        }
        request.header("Authorization", "Bearer " + bearer);
        headers.forEach(request::header);
        try {
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Duration backoff = Duration.ofMillis(250);
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> raw;
            try {
                raw = client().send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (attempt < ATTEMPTS) {
                    sleep(backoff);
                    backoff = next(backoff);
                    continue;
                }
                throw failure.apply(provider + " could not be reached (" + method + " " + URI.create(url).getPath() + "): " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure.apply(provider + ": interrupted", e);
            }
            int status = raw.statusCode();
            boolean retryable = status == 429 || status >= 500;
            if (!retryable) {
                return new Response(status, parse(raw.body()), raw);
            }
            if (attempt == ATTEMPTS) {
                throw failure.apply(provider + (status == 429 ? " kept throttling certfn's requests" : " kept failing")
                        + " (HTTP " + status + " after " + ATTEMPTS + " attempts, " + method + " " + URI.create(url).getPath()
                        + "); try again later.", null);
            }
            sleep(retryAfter(raw).orElse(backoff));
            backoff = next(backoff);
        }
    }

    private java.util.Optional<Duration> retryAfter(HttpResponse<String> raw) {
        return raw.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                Duration wait = Duration.ofSeconds(Long.parseLong(v.strip()));
                return java.util.Optional.of(wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait);
            } catch (NumberFormatException e) {
                return java.util.Optional.empty();
            }
        });
    }

    private static Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    private void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure.apply("interrupted while backing off", e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** Built on first use, at run time (an HTTP client must not end up in a native image's heap). */
    private HttpClient client() {
        HttpClient current = http;
        if (current == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                }
                current = http;
            }
        }
        return current;
    }
}
