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
 * the issuer is unreachable, cached keys keep working up to {@code maxAge}, then not. Only https
 * (or loopback, for tests) is fetched, and an answer is read up to {@value #MAX_BYTES} bytes.
 *
 * <p>Hand-written because jose4j's {@code HttpsJwks} has no floor on kid-miss refreshes and no
 * OIDC discovery; it still parses the key set.
 */
final class JwksSource {

    private static final Logger LOG = Logger.getLogger(JwksSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The largest discovery document or key set read; real ones are a few KiB. */
    static final int MAX_BYTES = 256 * 1024;

    private record Snapshot(List<JsonWebKey> keys, Instant fetchedAt) {
    }

    private final String issuer;
    private final Optional<URI> configuredUrl;
    private final Supplier<HttpClient> http;
    private final Duration timeout;
    private final Duration cacheDuration;
    private final Duration minRefresh;
    private final Duration maxAge;
    private final Clock clock;
    private volatile Snapshot snapshot;
    private volatile Instant lastAttempt = Instant.EPOCH;
    private volatile String lastError;
    private volatile URI resolvedUrl;

    JwksSource(String issuer, Optional<URI> configuredUrl, Supplier<HttpClient> http, Duration timeout, Duration cacheDuration,
            Duration minRefresh, Duration maxAge, Clock clock) {
        this.issuer = issuer;
        this.configuredUrl = configuredUrl;
        this.http = http;
        this.timeout = timeout;
        this.cacheDuration = cacheDuration;
        this.minRefresh = minRefresh;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /**
     * The keys that may have signed a token with {@code kid} (all keys when the token has none).
     * May block on one refresh.
     *
     * @throws io.certfn.identity.AuthenticationException {@code unknown_key}, naming the kid, the
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


    /**
     * Why no token of this issuer could be verified now (no usable keys: never fetched, or kept
     * past {@code certfn.auth.jwks.max-age} through an outage), fetching them first if that is due;
     * empty when keys are at hand.
     */
    Optional<String> keyProblem() {
        Snapshot current = snapshot;
        if (current == null || clock.instant().isAfter(current.fetchedAt().plus(cacheDuration))) {
            refreshIfAllowed();
        }
        if (!match(snapshot, null).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("no signing keys of " + issuer + " at hand" + (lastError == null ? "" : ": " + lastError));
    }

    private List<JsonWebKey> match(Snapshot snapshot, String kid) {
        if (snapshot == null || clock.instant().isAfter(snapshot.fetchedAt().plus(maxAge))) {
            return List.of(); // kept through an outage, but not forever
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
            URI discovered = URI.create(jwks);
            requireSecure(discovered, "the jwks_uri of " + discovery);
            resolvedUrl = discovered;
        }
        return resolvedUrl;
    }

    /** Keys must come over https: a key set fetched in clear can be swapped on the way. Loopback is for tests. */
    private static void requireSecure(URI url, String what) throws IOException {
        String host = url.getHost() == null ? "" : url.getHost();
        boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]") || host.equals("::1");
        if (!"https".equalsIgnoreCase(url.getScheme()) && !loopback) {
            throw new IOException(what + " is " + url + ", which is not https; certfn fetches signing keys only over https");
        }
    }

    private String get(URI url, String what) throws IOException {
        requireSecure(url, what);
        try {
            HttpResponse<java.io.InputStream> response = http.get().send(HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException(what + " at " + url + " answered HTTP " + response.statusCode());
                }
                byte[] body = in.readNBytes(MAX_BYTES + 1);
                if (body.length > MAX_BYTES) {
                    throw new IOException(what + " at " + url + " is larger than " + MAX_BYTES + " bytes");
                }
                return new String(body, java.nio.charset.StandardCharsets.UTF_8);
            }
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
        if (clock.instant().isAfter(snapshot.fetchedAt().plus(maxAge))) {
            return "The signing keys of issuer '" + issuer + "' were fetched from " + where + " at " + snapshot.fetchedAt()
                    + " and every refresh since has failed (" + lastError + "); keys older than certfn.auth.jwks.max-age ("
                    + maxAge + ") are not used. No key " + keyName + " can be trusted now.";
        }
        return "No signing key with kid " + keyName + " in the keys of issuer '" + issuer + "' (" + where + ", fetched "
                + snapshot.fetchedAt() + (lastError == null ? "" : "; the last refresh failed: " + lastError)
                + "). Was the token signed by this issuer?";
    }
}
