package io.certfn.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;

/**
 * An OIDC issuer for tests on the JDK's HTTP server: {@code /.well-known/openid-configuration}
 * and {@code /jwks}, keys made with jose4j, tokens signed with them. Keys can be added and
 * removed (rotation), the JWKS endpoint can fail (outage), and it counts JWKS requests.
 */
public final class TestIssuer implements AutoCloseable {

    private final HttpServer server;
    private final List<PublicJsonWebKey> keys = new CopyOnWriteArrayList<>();
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private volatile boolean outage;
    private volatile String advertisedJwksUri;
    private volatile int jwksPadding;

    public TestIssuer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/.well-known/openid-configuration", exchange -> {
            String jwksUri = advertisedJwksUri != null ? advertisedJwksUri : url() + "/jwks";
            String body = "{\"issuer\":\"" + url() + "\",\"jwks_uri\":\"" + jwksUri + "\"}";
            respond(exchange, outage ? 503 : 200, body);
        });
        server.createContext("/jwks", exchange -> {
            jwksRequests.incrementAndGet();
            List<JsonWebKey> published = new ArrayList<>();
            for (PublicJsonWebKey key : keys) {
                published.add(publicOnly(key));
            }
            String set = new JsonWebKeySet(published).toJson();
            if (jwksPadding > 0) {
                set = set.substring(0, set.length() - 1) + ",\"padding\":\"" + "x".repeat(jwksPadding) + "\"}";
            }
            respond(exchange, outage ? 503 : 200, set);
        });
        server.start();
    }

    /** Answers {@code exchange} with a JSON {@code body}. */
    public static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static JsonWebKey publicOnly(PublicJsonWebKey key) {
        try {
            return JsonWebKey.Factory.newJwk(key.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The issuer URL (also its discovery base). */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The JWKS URL. */
    public String jwksUrl() {
        return url() + "/jwks";
    }

    /** Makes and publishes a key: {@code RSA}, {@code EC256}, {@code EC384} or {@code Ed25519}. */
    public PublicJsonWebKey newKey(String type, String kid) {
        try {
            PublicJsonWebKey key = switch (type) {
                case "RSA" -> RsaJwkGenerator.generateJwk(2048);
                case "EC256" -> EcJwkGenerator.generateJwk(EllipticCurves.P256);
                case "EC384" -> EcJwkGenerator.generateJwk(EllipticCurves.P384);
                case "Ed25519" -> OkpJwkGenerator.generateJwk("Ed25519");
                default -> throw new IllegalArgumentException(type);
            };
            key.setKeyId(kid);
            keys.add(key);
            return key;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops publishing the key {@code kid}. */
    public void removeKey(String kid) {
        keys.removeIf(k -> kid.equals(k.getKeyId()));
    }

    /** While true, discovery and JWKS answer 503. */
    /** Makes discovery name {@code uri} as the key set's location (e.g. a plain-http one). */
    public void advertiseJwksUri(String uri) {
        this.advertisedJwksUri = uri;
    }

    /** Pads the key set answer with {@code bytes} of an extra member, as an oversized answer. */
    public void padJwks(int bytes) {
        this.jwksPadding = bytes;
    }

    public void outage(boolean down) {
        outage = down;
    }

    public int jwksRequests() {
        return jwksRequests.get();
    }

    /** A compact JWS of {@code claims} signed by {@code key} with {@code alg}, header kid = the key's. */
    /**
     * A Google ID token as the metadata server mints it for a service account ({@code sub} and
     * {@code azp} its numeric id, a verified {@code email}), signed with {@code key}.
     */
    public static String googleIdToken(PublicJsonWebKey key, String subject, String email, String audience, long expiresIn) {
        JwtClaims claims = new JwtClaims();
        long now = java.time.Instant.now().getEpochSecond();
        claims.setIssuer("https://accounts.google.com");
        claims.setAudience(audience);
        claims.setSubject(subject);
        claims.setClaim("azp", subject);
        claims.setClaim("email", email);
        claims.setClaim("email_verified", true);
        claims.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(now - 10));
        claims.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(now + expiresIn));
        return sign(claims, key, "RS256");
    }

    public static String sign(JwtClaims claims, PublicJsonWebKey key, String alg) {
        return sign(claims, key, alg, key.getKeyId());
    }

    /** As {@link #sign(JwtClaims, PublicJsonWebKey, String)} with another header kid. */
    public static String sign(JwtClaims claims, PublicJsonWebKey key, String alg, String kid) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setAlgorithmHeaderValue(alg);
            if (kid != null) {
                jws.setKeyIdHeaderValue(kid);
            }
            jws.setDoKeyValidation(false);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key no issuer publishes: what a forger has. */
    public static final class Unpublished {
        private final PublicJsonWebKey key;

        public Unpublished() {
            try {
                key = RsaJwkGenerator.generateJwk(2048);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        public PublicJsonWebKey key() {
            return key;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
