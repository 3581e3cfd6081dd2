package io.certfn.auth.token;

import io.certfn.auth.AuthenticationException;
import io.certfn.auth.Caller;
import java.security.Key;
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
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * Verifies tokens of one issuer with jose4j's {@link JwtConsumer} (required exp and sub, expected
 * issuer and audience, allowed algorithms, clock skew) and translates jose4j's error codes into
 * certfn's {@link Reason}s, with a detail that says what to fix.
 */
final class IssuerVerifier {

    private final IssuerSettings settings;
    private final JwksSource keys;
    private final Clock clock;

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
        InvalidJwtException failure = null;
        for (JsonWebKey candidate : candidates) {
            if (!(candidate instanceof PublicJsonWebKey publicKey) || !fits(candidate, alg)) {
                continue;
            }
            try {
                JwtClaims claims = consumer(publicKey.getPublicKey()).processToClaims(token);
                return caller(claims);
            } catch (MalformedClaimException e) {
                throw TokenRejected.because(Reason.MALFORMED, "The token has a malformed claim: " + e.getMessage());
            } catch (InvalidJwtException e) {
                failure = e;
                if (!e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
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

    private JwtConsumer consumer(Key key) {
        return new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds((int) settings.clockSkew().toSeconds())
                .setExpectedIssuers(true, settings.issuers().toArray(String[]::new))
                .setExpectedAudience(true, settings.audiences().toArray(String[]::new))
                .setVerificationKey(key)
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        settings.algorithms().toArray(String[]::new)))
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .build();
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

    private AuthenticationException translate(InvalidJwtException e, String kid, JwtClaims claims) {
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return TokenRejected.because(Reason.BAD_SIGNATURE, "The token's signature does not verify with key '" + kid
                    + "' of issuer '" + settings.name() + "': it was altered or signed by someone else.");
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return missing("exp");
        }
        if (e.hasErrorCode(ErrorCodes.SUBJECT_MISSING)) {
            return missing("sub");
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return missing("aud");
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID)) {
            return TokenRejected.because(Reason.ISSUER_NOT_TRUSTED, "The token's issuer is '" + claim(claims, "iss")
                    + "' but this server expects " + quoted(settings.issuers()) + ".");
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)) {
            return TokenRejected.because(Reason.AUDIENCE_MISMATCH, "The token's audience is " + audience(claims)
                    + " but this server accepts " + quoted(settings.audiences()) + ".");
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRED)) {
            Instant exp = instant(claims, "exp");
            return TokenRejected.because(Reason.EXPIRED, "The token expired at " + exp + ", "
                    + Duration.between(exp, clock.instant()).toSeconds() + " s ago (certfn allows "
                    + settings.clockSkew().toSeconds() + " s of clock skew). Get a fresh token.");
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            Instant nbf = instant(claims, "nbf");
            return TokenRejected.because(Reason.NOT_YET_VALID, "The token is not valid before " + nbf + ", "
                    + Duration.between(clock.instant(), nbf).toSeconds() + " s from now (certfn allows "
                    + settings.clockSkew().toSeconds() + " s of clock skew): check the clocks of the issuer and of certfn.");
        }
        return TokenRejected.because(Reason.MALFORMED, "The token's claims are malformed: " + firstError(e));
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
