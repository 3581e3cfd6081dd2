package io.certfn.auth.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.certfn.crypto.Hashes;
import io.certfn.error.LogText;
import io.certfn.identity.AuthenticationException;
import io.certfn.identity.Caller;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwx.JsonWebStructure;

/**
 * Verifies bearer tokens against the configured issuers (docs/design.md §4): one {@link IssuerVerifier}
 * per issuer, chosen by the token's {@code iss}. Every rejection is a 401 {@code invalid_token}
 * with a {@link Reason} and logged once (reason, issuer, sub, kid — never the token).
 */
@Singleton
public class TokenVerifier {

    /** The largest token accepted, in bytes. */
    public static final int MAX_TOKEN_BYTES = 16 * 1024;

    private static final Logger LOG = Logger.getLogger(TokenVerifier.class);

    /** Tokens already verified, until their exp: workloads present one token many times. */
    private static final int MAX_VERIFIED = 10_000;

    private record Verified(Caller caller, Instant expiresAt) {
    }

    private final Map<String, IssuerVerifier> byIssuer = new LinkedHashMap<>();
    private final Cache<String, Verified> verified = Caffeine.newBuilder().maximumSize(MAX_VERIFIED).executor(Runnable::run).build();
    private final List<IssuerSettings> issuers;
    private final Clock clock;
    /** Told each rejection's reason and issuer: a configured issuer's name, or "untrusted" (a metric's bounded label). */
    private final java.util.function.BiConsumer<String, String> rejected;

    @Inject
    public TokenVerifier(TokenConfig config, io.certfn.metrics.CertfnMetrics metrics) {
        this(IssuerPresets.from(config), config.jwks(), Clock.systemUTC(), metrics::tokenRejected);
    }

    TokenVerifier(List<IssuerSettings> issuers, TokenConfig.Jwks jwks, Clock clock) {
        this(issuers, jwks, clock, (reason, issuer) -> {
        });
    }

    private TokenVerifier(List<IssuerSettings> issuers, TokenConfig.Jwks jwks, Clock clock,
            java.util.function.BiConsumer<String, String> rejected) {
        this.rejected = rejected;
        this.issuers = List.copyOf(issuers);
        this.clock = clock;
        // Built at first use, never during static init: native images must not hold an HTTP client,
        // and start-up should not pay for one before a token arrives.
        Supplier<HttpClient> http = new Supplier<>() {
            private volatile HttpClient client;

            @Override
            public HttpClient get() {
                if (client == null) {
                    synchronized (this) {
                        if (client == null) {
                            client = HttpClient.newBuilder().connectTimeout(jwks.timeout())
                                    .followRedirects(HttpClient.Redirect.NORMAL).build();
                        }
                    }
                }
                return client;
            }
        };
        for (IssuerSettings settings : issuers) {
            JwksSource keys = new JwksSource(settings.discoveryIssuer(), settings.jwksUrl(), http, jwks.timeout(),
                    jwks.cacheDuration(), jwks.minRefreshInterval(), jwks.maxAge(), clock);
            IssuerVerifier verifier = new IssuerVerifier(settings, keys, clock);
            settings.issuers().forEach(iss -> byIssuer.put(iss, verifier));
            LOG.infof("Accepting %s tokens from %s for audience %s", settings.name(), settings.issuers(), settings.audiences());
        }
    }

    /**
     * For the readiness probe: each configured issuer whose tokens cannot be verified now (no
     * signing keys at hand), by issuer URL, with why. Empty when all can (or none is configured).
     */
    public Map<String, String> keyProblems() {
        Map<String, String> problems = new java.util.TreeMap<>();
        java.util.Set<IssuerVerifier> asked = new java.util.HashSet<>();
        byIssuer.forEach((iss, verifier) -> {
            if (asked.add(verifier)) {
                verifier.keyProblem().ifPresent(p -> problems.put(verifier.name() + " " + iss, p));
            }
        });
        return problems;
    }

    /** True when at least one issuer is configured. */
    public boolean isEnabled() {
        return !issuers.isEmpty();
    }

    /**
     * The enabled issuers whose tokens carry no domains claim: for them only policy rules can limit
     * who gets what (every preset, and the generic issuer unless it has a domains claim).
     */
    public List<String> issuersNeedingPolicy() {
        return issuers.stream().filter(i -> i.platform() || i.domainsClaim().isEmpty()).map(IssuerSettings::name).toList();
    }

    /** The enabled cloud presets ({@code google}, {@code azure}, {@code aws}), which need a policy. */
    public List<String> platformPresets() {
        return issuers.stream().filter(IssuerSettings::platform).map(IssuerSettings::name).toList();
    }

    /**
     * The caller {@code token} proves. Blocks on the issuer's JWKS when its keys are not cached.
     *
     * @throws AuthenticationException {@code invalid_token} with the reason of the failed check
     */
    public Caller verify(String token) {
        // Keyed by digest: 10 000 tokens of up to 16 KiB must not become 160 MB of keys.
        String digest = Hashes.sha256Hex(token);
        Optional<Caller> known = verifiedBefore(digest);
        if (known.isPresent()) {
            return known.get();
        }
        Caller caller = verifyUncached(token);
        Object exp = caller.claims().get("exp");
        if (exp instanceof Number seconds) {
            verified.put(digest, new Verified(caller, Instant.ofEpochSecond(seconds.longValue())));
        }
        return caller;
    }

    /** The caller of a token verified before and not yet expired; never blocks. */
    public Optional<Caller> alreadyVerified(String token) {
        if (token.length() > MAX_TOKEN_BYTES) {
            return Optional.empty();
        }
        return verifiedBefore(Hashes.sha256Hex(token));
    }

    private Optional<Caller> verifiedBefore(String digest) {
        Verified known = verified.getIfPresent(digest);
        return known != null && clock.instant().isBefore(known.expiresAt()) ? Optional.of(known.caller()) : Optional.empty();
    }

    private Caller verifyUncached(String token) {
        String issuer = "-";
        String subject = "-";
        String kid = "-";
        try {
            int size = token.getBytes(StandardCharsets.UTF_8).length;
            if (size > MAX_TOKEN_BYTES) {
                throw TokenRejected.because(Reason.MALFORMED, "The token is " + size + " bytes; the limit is " + MAX_TOKEN_BYTES + ".");
            }
            JwtContext parsed = parseUnverified(token);
            JwtClaims claims = parsed.getJwtClaims();
            JsonWebStructure header = parsed.getJoseObjects().get(0);
            String alg = String.valueOf(header.getAlgorithmHeaderValue());
            kid = String.valueOf(header.getKeyIdHeaderValue());
            issuer = String.valueOf(claims.getClaimValue("iss"));
            subject = String.valueOf(claims.getClaimValue("sub"));
            if (!IssuerSettings.ASYMMETRIC.contains(alg)) {
                throw TokenRejected.because(Reason.ALG_NOT_ALLOWED, "The token is signed with '" + alg
                        + "'; certfn accepts only asymmetric signatures (RS*, PS*, ES*, EdDSA), never 'none' or HMAC.");
            }
            if (!claims.hasClaim("iss")) {
                throw TokenRejected.because(Reason.MISSING_CLAIM, "The token has no 'iss' claim, so its issuer cannot be known.");
            }
            IssuerVerifier verifier = byIssuer.get(issuer);
            if (verifier == null) {
                throw TokenRejected.because(Reason.ISSUER_NOT_TRUSTED, "The token's issuer is '" + issuer
                        + "' but this server trusts only " + new ArrayList<>(byIssuer.keySet()) + ".");
            }
            return verifier.verify(token, alg, header.getKeyIdHeaderValue(), claims);
        } catch (AuthenticationException e) {
            // Unverified values a stranger wrote: escaped, so they cannot end this line and forge another.
            LOG.infof("Rejected bearer token: reason=%s issuer=%s sub=%s kid=%s", e.reason().orElse("-"), LogText.of(issuer),
                    LogText.of(subject), LogText.of(kid));
            IssuerVerifier trusted = byIssuer.get(issuer);
            rejected.accept(e.reason().orElse("none"), trusted == null ? "untrusted" : trusted.name());
            throw e;
        }
    }


    private static JwtContext parseUnverified(String token) {
        int dots = token.length() - token.replace(".", "").length();
        if (dots == 4) {
            throw TokenRejected.because(Reason.MALFORMED, "The token is encrypted (JWE); certfn accepts signed JWTs (JWS) only.");
        }
        if (dots != 2) {
            throw TokenRejected.because(Reason.MALFORMED, "The token is not a JWT: expected three base64url parts separated by dots, found "
                    + (dots + 1) + " part(s).");
        }
        try {
            return new JwtConsumerBuilder().setSkipAllValidators().setDisableRequireSignature()
                    .setSkipSignatureVerification().build().process(token);
        } catch (InvalidJwtException e) {
            String why = e.getErrorDetails().isEmpty() ? e.getOriginalMessage() : e.getErrorDetails().get(0).getErrorMessage();
            for (String part : token.split("\\.")) {
                if (part.length() > 8) {
                    why = why.replace(part, "…"); // never echo the token
                }
            }
            throw TokenRejected.because(Reason.MALFORMED, "The token cannot be parsed as a JWT: " + why);
        }
    }
}
