package io.certfn.auth.token;

import io.certfn.testing.MutableClock;
import static io.certfn.auth.token.TokenTestSupport.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.identity.AuthenticationException;
import io.certfn.identity.Caller;
import io.certfn.testing.TestIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rejection reason of docs/design.md §3, its limits as triples, and the key lifecycle (rotation,
 * outage, forged kids), against a real HTTP issuer with discovery and a JWKS.
 */
class TokenVerifierTest {

    private static final String AUDIENCE = "https://certfn.test/api";

    private TestIssuer issuer;
    private PublicJsonWebKey key;
    private MutableClock clock;
    private TokenVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
        key = issuer.newKey("RSA", "k1");
        clock = new MutableClock();
        verifier = TokenTestSupport.verifier(Map.of(
                "certfn.auth.oidc.issuer", issuer.url(),
                "certfn.auth.oidc.audience", AUDIENCE + ",other-accepted-audience",
                "certfn.auth.oidc.required-scopes", "certs.issue"), clock);
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    private JwtClaims valid() {
        JwtClaims claims = claims(clock, issuer.url(), AUDIENCE, "workload-1");
        claims.setClaim("scope", "openid certs.issue");
        return claims;
    }

    /**
     * Valid from now until two days on, on the wall clock and on the test clock alike (which the
     * key-cache tests move by hours): smallrye-jwt's parser judges times on the system clock.
     */
    private String longLived(String subject) {
        return token(c -> {
            long now = java.time.Instant.now().getEpochSecond();
            c.setSubject(subject);
            c.setIssuedAt(NumericDate.fromSeconds(now));
            c.setNotBefore(NumericDate.fromSeconds(now));
            c.setExpirationTime(NumericDate.fromSeconds(now + 2 * 86_400));
            return c;
        });
    }

    private String token(Function<JwtClaims, JwtClaims> change) {
        return TestIssuer.sign(change.apply(valid()), key, "RS256");
    }

    private AuthenticationException rejected(String token, String reason) {
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> verifier.verify(token));
        assertEquals("invalid_token", e.code());
        assertEquals(reason, e.reason().orElseThrow(), e.getMessage());
        assertTrue(e.headers().get("WWW-Authenticate").startsWith("Bearer realm=\"certfn\", error=\"invalid_token\""));
        if (token.length() > 40) {
            assertFalse(e.getMessage().contains(token.substring(token.length() - 40)), "the token is never echoed");
        }
        return e;
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                Arguments.of("one part", "malformed", (Function<TokenVerifierTest, String>) t -> "not-a-jwt"),
                Arguments.of("garbage parts", "malformed", (Function<TokenVerifierTest, String>) t -> "a.b.c"),
                Arguments.of("JWE", "malformed", (Function<TokenVerifierTest, String>) t -> "a.b.c.d.e"),
                Arguments.of("alg none", "alg_not_allowed", (Function<TokenVerifierTest, String>) TokenVerifierTest::unsigned),
                Arguments.of("HS256", "alg_not_allowed", (Function<TokenVerifierTest, String>) TokenVerifierTest::hmac),
                Arguments.of("foreign issuer", "issuer_not_trusted",
                        (Function<TokenVerifierTest, String>) t -> t.token(c -> { c.setIssuer("https://evil.example"); return c; })),
                Arguments.of("unknown kid", "unknown_key", (Function<TokenVerifierTest, String>) t -> TestIssuer.sign(t.valid(),
                        new TestIssuer.Unpublished().key(), "RS256", "unpublished")),
                Arguments.of("forged signature", "bad_signature", (Function<TokenVerifierTest, String>) t -> TestIssuer.sign(t.valid(),
                        new TestIssuer.Unpublished().key(), "RS256", "k1")),
                Arguments.of("expired", "expired", (Function<TokenVerifierTest, String>) t -> t.token(c -> {
                    c.setExpirationTime(NumericDate.fromSeconds(t.clock.instant().getEpochSecond() - 3600)); return c; })),
                Arguments.of("not yet valid", "not_yet_valid", (Function<TokenVerifierTest, String>) t -> t.token(c -> {
                    c.setNotBefore(NumericDate.fromSeconds(t.clock.instant().getEpochSecond() + 600)); return c; })),
                Arguments.of("other audience", "audience_mismatch",
                        (Function<TokenVerifierTest, String>) t -> t.token(c -> { c.setAudience("https://other"); return c; })),
                Arguments.of("no exp", "missing_claim",
                        (Function<TokenVerifierTest, String>) t -> t.token(c -> { c.unsetClaim("exp"); return c; })),
                Arguments.of("no sub", "missing_claim",
                        (Function<TokenVerifierTest, String>) t -> t.token(c -> { c.unsetClaim("sub"); return c; })),
                Arguments.of("no iat", "missing_claim",
                        (Function<TokenVerifierTest, String>) t -> t.token(c -> { c.unsetClaim("iat"); return c; })),
                Arguments.of("no iss", "missing_claim",
                        (Function<TokenVerifierTest, String>) t -> t.token(c -> { c.unsetClaim("iss"); return c; })),
                Arguments.of("no scope", "missing_scope",
                        (Function<TokenVerifierTest, String>) t -> t.token(c -> { c.setClaim("scope", "openid"); return c; })));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rejections")
    void everyRejectionNamesItsReason(String name, String reason, Function<TokenVerifierTest, String> token) {
        String detail = rejected(token.apply(this), reason).getMessage();
        if (reason.equals("missing_claim")) {
            assertTrue(detail.contains("'" + name.substring(3) + "'"), "names the missing claim: " + detail);
        }
    }

    @Test
    void aValidTokenProvesItsSubjectAndClaims() {
        Caller caller = verifier.verify(token(c -> c));
        assertEquals(Caller.Method.BEARER_TOKEN, caller.method());
        assertEquals("oidc", caller.issuer());
        assertEquals("workload-1", caller.subject());
        assertEquals(java.util.List.of(issuer.url()), caller.claimValues("iss"));
        assertEquals(java.util.List.of("certs.issue"), verifier.verify(token(c -> {
            c.setClaim("scope", null);
            c.setClaim("scp", java.util.List.of("certs.issue"));
            return c;
        })).claimValues("scp"));
        verifier.verify(token(c -> { c.setAudience("other-accepted-audience"); return c; }));
    }

    @Test
    void detailsSayWhatToFix() {
        assertTrue(rejected(token(c -> { c.setAudience("https://other"); return c; }), "audience_mismatch").getMessage()
                .contains("The token's audience is 'https://other' but this server accepts ['" + AUDIENCE + "', 'other-accepted-audience']"));
        assertTrue(rejected(token(c -> { c.setIssuer("https://evil.example"); return c; }), "issuer_not_trusted").getMessage()
                .contains("'https://evil.example'"));
        assertTrue(rejected(TestIssuer.sign(valid(), new TestIssuer.Unpublished().key(), "RS256", "rotated-away"), "unknown_key")
                .getMessage().contains("'rotated-away'"));
        assertTrue(rejected(token(c -> { c.setClaim("scope", "openid"); return c; }), "missing_scope").getMessage()
                .contains("[certs.issue]"));
    }

    @ParameterizedTest
    @ValueSource(ints = {-59, -60, -61})
    void expiryIsCheckedWithSixtySecondsOfSkew(int secondsSinceExpiry) {
        String token = token(c -> {
            long exp = clock.instant().getEpochSecond() + secondsSinceExpiry;
            c.setExpirationTime(NumericDate.fromSeconds(exp));
            c.setIssuedAt(NumericDate.fromSeconds(exp - 3600));
            c.setNotBefore(NumericDate.fromSeconds(exp - 3600));
            return c;
        });
        if (secondsSinceExpiry > -60) {
            verifier.verify(token);
        } else {
            assertTrue(rejected(token, "expired").getMessage().contains("60 s of clock skew"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {59, 60, 61})
    void notBeforeIsCheckedWithSixtySecondsOfSkew(int secondsAhead) {
        String token = token(c -> {
            c.setNotBefore(NumericDate.fromSeconds(clock.instant().getEpochSecond() + secondsAhead));
            return c;
        });
        if (secondsAhead <= 60) {
            verifier.verify(token);
        } else {
            rejected(token, "not_yet_valid");
        }
    }

    @Test
    void tokenSizeLimitIsSixteenKibibytes() {
        verifier.verify(tokenOfLength(TokenVerifier.MAX_TOKEN_BYTES - 1));
        String atLimit = tokenOfLength(TokenVerifier.MAX_TOKEN_BYTES);
        verifier.verify(atLimit);
        assertTrue(rejected(atLimit + "x", "malformed").getMessage().contains("limit is 16384"));
    }

    /**
     * A valid token of exactly {@code length} bytes. Base64url never yields some lengths for a
     * given part, so both the header (an extra parameter) and the payload (a claim) are padded.
     */
    private String tokenOfLength(int length) {
        int base = signPadded(0, 0).length();
        int estimate = (length - base) * 3 / 4;
        for (int headerPad = 0; headerPad < 4; headerPad++) {
            for (int pad = Math.max(0, estimate - 8); pad < estimate + 8; pad++) {
                String token = signPadded(headerPad, pad);
                if (token.length() == length) {
                    return token;
                }
            }
        }
        throw new AssertionError("no token of length " + length);
    }

    private String signPadded(int headerPad, int payloadPad) {
        try {
            JwtClaims claims = valid();
            claims.setClaim("pad", "x".repeat(payloadPad));
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setAlgorithmHeaderValue("RS256");
            jws.setKeyIdHeaderValue("k1");
            jws.setHeader("pad", "y".repeat(headerPad));
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aVerifiedTokenIsCachedButNeverBeyondItsExpiry() {
        String token = token(c -> {
            c.setExpirationTime(NumericDate.fromSeconds(clock.instant().getEpochSecond() + 120));
            return c;
        });
        assertEquals("workload-1", verifier.verify(token).subject());
        issuer.outage(true);
        issuer.removeKey("k1");
        assertEquals("workload-1", verifier.verify(token).subject(), "served from the cache: no key needed");
        clock.advance(Duration.ofSeconds(120 + 61)); // past exp and the skew
        rejected(token, "expired");
    }

    @Test
    void rotatedKeyIsPickedUpWithoutRestart() {
        verifier.verify(token(c -> c));
        PublicJsonWebKey next = issuer.newKey("EC256", "k2");
        issuer.removeKey("k1");
        clock.advance(Duration.ofSeconds(31)); // past the refresh floor
        Caller caller = verifier.verify(TestIssuer.sign(valid(), next, "ES256"));
        assertEquals("workload-1", caller.subject());
    }

    @Test
    void cachedKeysKeepWorkingThroughAnOutage() {
        verifier.verify(longLived("workload-1"));
        issuer.outage(true);
        clock.advance(Duration.ofMinutes(11)); // past the cache duration: a refresh is tried and fails
        verifier.verify(longLived("workload-2"));
    }

    @Test
    void cachedKeysStopWorkingWhenTheOutageOutlastsMaxAge() {
        verifier.verify(longLived("workload-1"));
        issuer.outage(true);
        clock.advance(Duration.ofHours(23));
        verifier.verify(longLived("workload-2")); // another token: the verified-token cache cannot answer it
        clock.advance(Duration.ofHours(1).plusMinutes(1)); // past the 24 h max-age of the last fetch
        String detail = rejected(longLived("workload-3"), "unknown_key").getMessage();
        assertTrue(detail.contains("certfn.auth.jwks.max-age") && detail.contains("every refresh since has failed"), detail);
    }

    @Test
    void aKeySetDiscoveredAtAPlainHttpAddressIsNotFetched() {
        issuer.advertiseJwksUri("http://keys.example.net/jwks");
        String detail = rejected(token(c -> c), "unknown_key").getMessage();
        assertTrue(detail.contains("http://keys.example.net/jwks, which is not https"), detail);
    }

    @Test
    void anOversizedKeySetIsRefusedNamingTheLimit() {
        issuer.padJwks(300 * 1024);
        String detail = rejected(token(c -> c), "unknown_key").getMessage();
        assertTrue(detail.contains("larger than 262144 bytes"), detail);
        issuer.padJwks(0);
    }

    @Test
    void outageWithoutCachedKeysNamesTheIssuerAndUrl() {
        issuer.outage(true);
        String detail = rejected(token(c -> c), "unknown_key").getMessage();
        assertTrue(detail.contains(issuer.url()) && detail.contains("cannot be fetched") && detail.contains("503"), detail);
    }

    @Test
    void forgedKidFloodCausesBoundedRefreshes() {
        verifier.verify(token(c -> c));
        int before = issuer.jwksRequests();
        PublicJsonWebKey forger = new TestIssuer.Unpublished().key();
        for (int i = 0; i < 200; i++) {
            rejected(TestIssuer.sign(valid(), forger, "RS256", "forged-" + i), "unknown_key");
        }
        assertTrue(issuer.jwksRequests() - before <= 1, "at most one refresh per interval, was " + (issuer.jwksRequests() - before));
        clock.advance(Duration.ofSeconds(31));
        rejected(TestIssuer.sign(valid(), forger, "RS256", "forged-next"), "unknown_key");
        assertTrue(issuer.jwksRequests() - before <= 2);
    }

    private static String unsigned(TokenVerifierTest t) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(t.valid().toJson());
            jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hmac(TokenVerifierTest t) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(t.valid().toJson());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
            jws.setKey(new HmacKey(Base64.getDecoder().decode(Base64.getEncoder().encodeToString(
                    "a-shared-secret-of-32-bytes-len!".getBytes(StandardCharsets.UTF_8)))));
            jws.setKeyIdHeaderValue("k1");
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
