package io.certfn.auth;

import io.certfn.identity.AuthenticationException;
import io.certfn.identity.Caller;

import io.certfn.auth.token.TokenVerifier;
import jakarta.inject.Singleton;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns an {@code Authorization} header into a {@link Caller}: {@code APIKey <key>}
 * (le-cert-server's scheme; scheme names match case-insensitively) or {@code Bearer <token>}.
 */
@Singleton
public class Authenticator {

    private static final Logger LOG = Logger.getLogger(Authenticator.class);
    private static final String SCHEMES = "send 'Authorization: APIKey <key>' or 'Authorization: Bearer <token>'";

    private final ApiKeys apiKeys;
    private final TokenVerifier tokens;

    public Authenticator(ApiKeyConfig config, TokenVerifier tokens) {
        this.apiKeys = ApiKeys.parse(config.apiKeys());
        this.tokens = tokens;
        if (apiKeys.isEmpty() && !tokens.isEnabled()) {
            LOG.warn("No credentials are configured (certfn.auth.api-keys, token issuers): every request will be rejected");
        }
    }

    /** The configured API keys. */
    public ApiKeys apiKeys() {
        return apiKeys;
    }

    /**
     * The caller {@code authorization} proves.
     *
     * @throws AuthenticationException naming what is missing or wrong
     */
    public Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw AuthenticationException.unauthenticated("No Authorization header; " + SCHEMES + ".");
        }
        Credential parsed = Credential.of(authorization);
        String scheme = parsed.scheme();
        String credential = parsed.value();
        return switch (scheme) {
            case "apikey" -> apiKey(credential);
            case "bearer" -> bearer(credential);
            default -> throw AuthenticationException.unauthenticated("The Authorization scheme '"
                    + (scheme.length() > 20 ? scheme.substring(0, 20) + "…" : scheme) + "' is not accepted; " + SCHEMES + ".");
        };
    }

    /**
     * The caller {@code authorization} proves, if that is known without blocking (an API key, or
     * a token verified before); empty when it fails or needs work, which {@link #authenticate}
     * then does and explains.
     */
    public Optional<Caller> authenticateFromMemory(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        Credential parsed = Credential.of(authorization);
        String credential = parsed.value();
        return switch (parsed.scheme()) {
            case "apikey" -> credential.isEmpty() ? Optional.empty() : apiKeys.nameOf(credential).map(Caller::apiKey);
            case "bearer" -> credential.isEmpty() || !tokens.isEnabled() ? Optional.empty() : tokens.alreadyVerified(credential);
            default -> Optional.empty();
        };
    }

    /** An Authorization header's lower-case scheme and the credential after it ("" when there is none). */
    private record Credential(String scheme, String value) {
        static Credential of(String authorization) {
            String header = authorization.strip();
            int space = header.indexOf(' ');
            return new Credential((space < 0 ? header : header.substring(0, space)).toLowerCase(Locale.ROOT),
                    space < 0 ? "" : header.substring(space + 1).strip());
        }
    }

    private Caller apiKey(String key) {
        if (key.isEmpty()) {
            throw AuthenticationException.unauthenticated("The APIKey scheme needs a key after it; " + SCHEMES + ".");
        }
        return apiKeys.nameOf(key).map(Caller::apiKey).orElseThrow(AuthenticationException::invalidCredentials);
    }

    private Caller bearer(String token) {
        if (token.isEmpty()) {
            throw AuthenticationException.unauthenticated("The Bearer scheme needs a token after it; " + SCHEMES + ".");
        }
        if (!tokens.isEnabled()) {
            throw AuthenticationException.invalidToken("issuer_not_trusted",
                    "This server trusts no token issuer (none of certfn.auth.google/azure/aws/oidc is configured); use an API key.");
        }
        return tokens.verify(token);
    }
}
