package io.certfn.auth.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.certfn.identity.AuthenticationException;
import io.certfn.identity.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import java.security.PublicKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Verifies tokens of one issuer with smallrye-jwt's {@link DefaultJWTParser}, one
 * {@link JWTAuthContextInfo} per issuer value and signing key (expected issuer and audiences,
 * allowed algorithms, clock skew, required exp, iat and sub), and translates the jose4j error codes
 * under its {@link ParseException} into certfn's {@link Reason}s, with a detail that says what to fix.
 *
 * <p>What stays hand-written, because smallrye-jwt cannot do it: the signing keys come from
 * {@link JwksSource} (smallrye-jwt's key resolver has no OIDC discovery, refresh intervals in whole
 * minutes, no floor counted from the last attempt, no limit on the key set's size, no https-only
 * rule, and keeps keys through an outage without certfn's {@code max-age}); and exp/nbf are judged
 * on certfn's clock after the parser's own check, since the parser reads only the system clock and
 * the verified-token cache, which ends at exp on certfn's clock, must agree with it.
 *
 * <p>Longer than ~250 lines because it translates every check of one issuer's tokens into certfn's
 * reasons in one place (header, key resolution, smallrye-jwt's parser, times on certfn's clock,
 * audience, scopes, domains claim), as the house style asks.
 */
final class IssuerVerifier {

    /** Parsers per issuer value and key; bounded: keys rotate, and a refresh brings new key objects. */
    private static final int MAX_PARSERS = 64;
    private static final int PARSER_SKEW_SLACK_SECONDS = 5;

    private record ParserKey(String issuer, PublicKey key) {
    }

    private final IssuerSettings settings;
    private final JwksSource keys;
    private final Clock clock;
    private final Cache<ParserKey, DefaultJWTParser> parsers = Caffeine.newBuilder().maximumSize(MAX_PARSERS).executor(Runnable::run).build();

    IssuerVerifier(IssuerSettings settings, JwksSource keys, Clock clock) {
        this.settings = settings;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * The caller {@code token} proves; {@code unverified} are its claims read without checks.
     *
     * @throws AuthenticationException {@code invalid_token} with the failed check as reason
     */
    /** Why this issuer's tokens cannot be verified now, if they cannot (see {@link JwksSource#keyProblem()}). */
    java.util.Optional<String> keyProblem() {
        return keys.keyProblem();
    }

    /** The issuer's configured name ({@code google}, {@code oidc}, ...). */
    String name() {
        return settings.name();
    }

    Caller verify(String token, String alg, String kid, JwtClaims unverified) {
        if (!settings.algorithms().contains(alg)) {
            throw TokenRejected.because(Reason.ALG_NOT_ALLOWED, "The token is signed with '" + alg + "' but issuer '"
                    + settings.name() + "' is accepted only with " + sorted(settings.algorithms()) + ".");
        }
        List<JsonWebKey> candidates = keys.keysFor(kid);
        ParseException failure = null;
        for (JsonWebKey candidate : candidates) {
            if (!(candidate instanceof PublicJsonWebKey publicKey) || !fits(candidate, alg)) {
                continue;
            }
            try {
                parser(String.valueOf(unverified.getClaimValue("iss")), publicKey.getPublicKey()).parse(token);
                // Verified: the claims are those read before, from the same signed payload.
                checkTimes(unverified);
                return caller(unverified);
            } catch (MalformedClaimException e) {
                throw TokenRejected.because(Reason.MALFORMED, "The token has a malformed claim: " + e.getMessage());
            } catch (ParseException e) {
                failure = e;
                if (!hasCode(e, ErrorCodes.SIGNATURE_INVALID)) {
                    break;
                }
            }
        }
        if (failure == null) {
            throw TokenRejected.because(Reason.UNKNOWN_KEY, "No key of issuer '" + settings.name() + "' with kid '" + kid
                    + "' can verify " + alg + " signatures.");
        }
        throw translate(failure, kid, unverified);
    }

    /**
     * A parser verifying with {@code key} only. One per key: smallrye-jwt's token parser keeps the
     * first key it resolved, so a parser is never shared between keys.
     */
    private DefaultJWTParser parser(String issuer, PublicKey key) {
        ParserKey id = new ParserKey(issuer, key);
        DefaultJWTParser parser = parsers.getIfPresent(id);
        if (parser == null) {
            JWTAuthContextInfo context = new JWTAuthContextInfo(key, issuer);
            context.setExpectedAudience(Set.copyOf(settings.audiences()));
            context.setSignatureAlgorithm(settings.algorithms().stream().map(SignatureAlgorithm::fromAlgorithm)
                    .collect(java.util.stream.Collectors.toSet()));
            // certfn's own check (checkTimes, on certfn's clock) decides exp and nbf with the configured skew; the parser's, on
            // the system clock, is a backstop given a few seconds more, so that the two clocks' disagreement never decides.
            context.setClockSkew((int) settings.clockSkew().toSeconds() + PARSER_SKEW_SLACK_SECONDS);
            context.setRequiredClaims(Set.of("sub"));
            parser = parsers.get(id, k -> new DefaultJWTParser(context, new DefaultJWTCallerPrincipalFactory()));
        }
        return parser;
    }

    /** exp and nbf on certfn's clock, with the same skew the parser then applies on the system clock. */
    private void checkTimes(JwtClaims claims) {
        Instant now = clock.instant();
        long skew = settings.clockSkew().toSeconds();
        Object exp = claims.getClaimValue("exp");
        if (exp instanceof Number n && now.minusSeconds(skew).getEpochSecond() >= n.longValue()) {
            throw expired(claims);
        }
        Object nbf = claims.getClaimValue("nbf");
        if (nbf instanceof Number n && now.plusSeconds(skew).getEpochSecond() < n.longValue()) {
            throw notYetValid(claims);
        }
    }

    private static boolean hasCode(ParseException e, int code) {
        return invalidJwt(e).map(cause -> cause.hasErrorCode(code)).orElse(false);
    }

    /** The jose4j failure under smallrye-jwt's exception, when the check that failed is one of jose4j's. */
    private static Optional<InvalidJwtException> invalidJwt(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidJwtException invalid) {
                return Optional.of(invalid);
            }
        }
        return Optional.empty();
    }

    private Caller caller(JwtClaims claims) throws MalformedClaimException {
        for (String name : settings.requiredClaims()) {
            if (!claims.hasClaim(name)) {
                throw TokenRejected.because(Reason.MISSING_CLAIM, "The token has no '" + name + "' claim, which tokens of issuer '"
                        + settings.name() + "' must carry.");
            }
        }
        for (Map.Entry<String, String> required : settings.requiredClaimValues().entrySet()) {
            Object actual = claims.getClaimValue(required.getKey());
            if (!required.getValue().equals(String.valueOf(actual))) {
                throw TokenRejected.because(Reason.ISSUER_NOT_TRUSTED, "The token's '" + required.getKey() + "' is '" + actual
                        + "' but this server accepts '" + required.getValue() + "'.");
            }
        }
        List<String> scopes = scopes(claims);
        List<String> missing = settings.requiredScopes().stream().filter(s -> !scopes.contains(s)).toList();
        if (!missing.isEmpty()) {
            throw TokenRejected.because(Reason.MISSING_SCOPE, "The token lacks the scope(s) " + missing + " that issuer '"
                    + settings.name() + "' tokens need here; it has " + scopes + ".");
        }
        Map<String, Object> claimMap = new HashMap<>(claims.getClaimsMap());
        if (!"true".equalsIgnoreCase(String.valueOf(claimMap.get("email_verified")))) {
            claimMap.remove("email"); // only an address the issuer verified may match a policy rule
        }
        Optional<List<String>> granted = Optional.empty();
        if (settings.domainsClaim().isPresent()) {
            String name = settings.domainsClaim().get();
            Object value = claims.getClaimValue(name);
            if (value == null) {
                throw TokenRejected.because(Reason.MISSING_CLAIM, "The token has no '" + name
                        + "' claim (certfn.auth.oidc.domains-claim): it must list the domains it grants.");
            }
            granted = Optional.of(stringList(value));
        }
        return new Caller(Caller.Method.BEARER_TOKEN, settings.name(), claims.getSubject(), claimMap, granted);
    }

    /** Scopes from {@code scope} (space separated, RFC 8693) or {@code scp}/{@code scopes} (arrays or strings). */
    static List<String> scopes(JwtClaims claims) {
        Set<String> all = new LinkedHashSet<>();
        for (String name : new String[] {"scope", "scp", "scopes"}) {
            Object value = claims.getClaimValue(name);
            if (value instanceof String s) {
                all.addAll(Arrays.asList(s.trim().split("\\s+")));
            } else if (value != null) {
                all.addAll(stringList(value));
            }
        }
        all.remove("");
        return new ArrayList<>(all);
    }

    /** An array claim, or a comma-separated string (le-cert-server's domains claim). */
    private static List<String> stringList(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).map(String::strip).toList();
        }
        return Arrays.stream(String.valueOf(value).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private AuthenticationException translate(ParseException failure, String kid, JwtClaims claims) {
        if (hasCode(failure, ErrorCodes.SIGNATURE_INVALID)) {
            return TokenRejected.because(Reason.BAD_SIGNATURE, "The token's signature does not verify with key '" + kid
                    + "' of issuer '" + settings.name() + "': it was altered or signed by someone else.");
        }
        // Past the signature: a claim the parser needs and the token lacks (smallrye-jwt reports some without a jose4j code).
        for (String required : List.of("exp", "iat", "sub", "aud")) {
            if (!claims.hasClaim(required)) {
                return missing(required);
            }
        }
        Optional<InvalidJwtException> invalid = invalidJwt(failure);
        if (invalid.isEmpty()) {
            return TokenRejected.because(Reason.MALFORMED, "The token's claims are not accepted: " + failure.getMessage());
        }
        InvalidJwtException e = invalid.get();
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID)) {
            return TokenRejected.because(Reason.ISSUER_NOT_TRUSTED, "The token's issuer is '" + claim(claims, "iss")
                    + "' but this server expects " + quoted(settings.issuers()) + ".");
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)) {
            return TokenRejected.because(Reason.AUDIENCE_MISMATCH, "The token's audience is " + audience(claims)
                    + " but this server accepts " + quoted(settings.audiences()) + ".");
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRED)) {
            return expired(claims);
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return notYetValid(claims);
        }
        return TokenRejected.because(Reason.MALFORMED, "The token's claims are malformed: " + firstError(e));
    }

    private AuthenticationException expired(JwtClaims claims) {
        Instant exp = instant(claims, "exp");
        return TokenRejected.because(Reason.EXPIRED, "The token expired at " + exp + ", "
                + Duration.between(exp, clock.instant()).toSeconds() + " s ago (certfn allows "
                + settings.clockSkew().toSeconds() + " s of clock skew). Get a fresh token.");
    }

    private AuthenticationException notYetValid(JwtClaims claims) {
        Instant nbf = instant(claims, "nbf");
        return TokenRejected.because(Reason.NOT_YET_VALID, "The token is not valid before " + nbf + ", "
                + Duration.between(clock.instant(), nbf).toSeconds() + " s from now (certfn allows "
                + settings.clockSkew().toSeconds() + " s of clock skew): check the clocks of the issuer and of certfn.");
    }

    private AuthenticationException missing(String claim) {
        return TokenRejected.because(Reason.MISSING_CLAIM, "The token has no '" + claim + "' claim, which certfn requires.");
    }

    private static String firstError(InvalidJwtException e) {
        return e.getErrorDetails().isEmpty() ? e.getOriginalMessage() : e.getErrorDetails().get(0).getErrorMessage();
    }

    private static String claim(JwtClaims claims, String name) {
        return String.valueOf(claims.getClaimValue(name));
    }

    private static String audience(JwtClaims claims) {
        Object aud = claims.getClaimValue("aud");
        return aud instanceof List<?> list ? quoted(list.stream().map(String::valueOf).toList()) : "'" + aud + "'";
    }

    private static Instant instant(JwtClaims claims, String name) {
        Object value = claims.getClaimValue(name);
        return value instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : Instant.EPOCH;
    }

    private static String quoted(List<String> values) {
        return values.size() == 1 ? "'" + values.get(0) + "'" : values.stream().map(v -> "'" + v + "'").toList().toString();
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    /** Whether {@code key}'s type can verify {@code alg}. */
    private static boolean fits(JsonWebKey key, String alg) {
        String kty = key.getKeyType();
        return switch (alg.substring(0, 2)) {
            case "RS", "PS" -> "RSA".equals(kty);
            case "ES" -> "EC".equals(kty);
            default -> "OKP".equals(kty);
        };
    }
}
