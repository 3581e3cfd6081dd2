package io.certfn.auth.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

/**
 * The signing keys of one issuer: found by OIDC discovery (or a configured URL), cached, refreshed
 * when the cache is old or a token names an unknown {@code kid} — but never more often than the
 * refresh floor, so a flood of forged kids costs the issuer at most one request per interval. When
 * the issuer is unreachable, cached keys keep working.
 *
 * <p>Hand-written because jose4j's {@code HttpsJwks} has no floor on kid-miss refreshes and no
 * OIDC discovery; it still parses the key set.
 */
final class JwksSource {

    private static final Logger LOG = Logger.getLogger(JwksSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Snapshot(List<JsonWebKey> keys, Instant fetchedAt) {
    }

    private final String issuer;
    private final Optional<URI> configuredUrl;
    private final Supplier<HttpClient> http;
    private final Duration timeout;
    private final Duration cacheDuration;
    private final Duration minRefresh;
    private final Clock clock;
    private volatile Snapshot snapshot;
    private volatile Instant lastAttempt = Instant.EPOCH;
    private volatile String lastError;
    private volatile URI resolvedUrl;

    JwksSource(String issuer, Optional<URI> configuredUrl, Supplier<HttpClient> http, Duration timeout, Duration cacheDuration,
            Duration minRefresh, Clock clock) {
        this.issuer = issuer;
        this.configuredUrl = configuredUrl;
        this.http = http;
        this.timeout = timeout;
        this.cacheDuration = cacheDuration;
        this.minRefresh = minRefresh;
        this.clock = clock;
    }

    /**
     * The keys that may have signed a token with {@code kid} (all keys when the token has none).
     * May block on one refresh.
     *
     * @throws io.certfn.auth.AuthenticationException {@code unknown_key}, naming the kid, the
     *         issuer, the URL and why keys could not be fetched if that is the cause
     */
    List<JsonWebKey> keysFor(String kid) {
        Snapshot current = snapshot;
        if (current == null || clock.instant().isAfter(current.fetchedAt().plus(cacheDuration))) {
            refreshIfAllowed();
            current = snapshot;
        }
        List<JsonWebKey> found = match(current, kid);
        if (found.isEmpty() && refreshIfAllowed()) {
            found = match(snapshot, kid);
        }
        if (found.isEmpty()) {
            throw TokenRejected.because(Reason.UNKNOWN_KEY, describeMiss(kid));
        }
        return found;
    }


    private static List<JsonWebKey> match(Snapshot snapshot, String kid) {
        if (snapshot == null) {
            return List.of();
        }
        return snapshot.keys().stream()
                .filter(k -> !"enc".equals(k.getUse()))
                .filter(k -> kid == null || kid.equals(k.getKeyId()))
                .toList();
    }

    /** Refreshes unless the floor forbids it; true when a refresh succeeded. */
    private synchronized boolean refreshIfAllowed() {
        Instant now = clock.instant();
        if (now.isBefore(lastAttempt.plus(minRefresh))) {
            return false;
        }
        lastAttempt = now;
        try {
            URI url = jwksUrl();
            String body = get(url, "JWKS");
            List<JsonWebKey> keys = new JsonWebKeySet(body).getJsonWebKeys();
            snapshot = new Snapshot(keys, now);
            lastError = null;
            LOG.debugf("Fetched %d key(s) of %s from %s", keys.size(), issuer, url);
            return true;
        } catch (IOException | JoseException | RuntimeException e) {
            lastError = e.getMessage();
            LOG.warnf("Cannot fetch the signing keys of %s: %s%s", issuer, e.getMessage(),
                    snapshot == null ? "" : " (keeping the cached keys)");
            return false;
        }
    }

    private URI jwksUrl() throws IOException {
        if (configuredUrl.isPresent()) {
            return configuredUrl.get();
        }
        if (resolvedUrl == null) {
            URI discovery = URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
            JsonNode document = JSON.readTree(get(discovery, "OIDC discovery"));
            String jwks = document.path("jwks_uri").asText("");
            if (jwks.isEmpty()) {
                throw new IOException("the OIDC discovery document " + discovery + " has no jwks_uri");
            }
            resolvedUrl = URI.create(jwks);
        }
        return resolvedUrl;
    }

    private String get(URI url, String what) throws IOException {
        try {
            HttpResponse<String> response = http.get().send(HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(what + " at " + url + " answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " at " + url + " was interrupted", e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains(url.toString())) {
                throw e;
            }
            throw new IOException(what + " at " + url + " failed: " + e, e);
        }
    }

    private String describeMiss(String kid) {
        String keyName = kid == null ? "(the token has no kid)" : "'" + kid + "'";
        String where = configuredUrl.or(() -> Optional.ofNullable(resolvedUrl)).map(URI::toString)
                .orElse(issuer + "/.well-known/openid-configuration");
        if (snapshot == null) {
            return "The signing keys of issuer '" + issuer + "' cannot be fetched from " + where + ": " + lastError
                    + ". No key " + keyName + " is known.";
        }
        return "No signing key with kid " + keyName + " in the keys of issuer '" + issuer + "' (" + where + ", fetched "
                + snapshot.fetchedAt() + (lastError == null ? "" : "; the last refresh failed: " + lastError)
                + "). Was the token signed by this issuer?";
    }
}
