package io.certfn.identity;

import io.certfn.error.CertfnException;
import java.util.Map;
import java.util.Optional;

/**
 * The caller could not be authenticated: 401 with {@code unauthenticated},
 * {@code invalid_credentials} or {@code invalid_token} (then with a {@link #reason()}), and a
 * {@code WWW-Authenticate} challenge.
 */
public class AuthenticationException extends CertfnException {

    private final String reason;
    private final String challenge;

    private AuthenticationException(String code, String reason, String detail, String challenge) {
        super(401, code, detail);
        this.reason = reason;
        this.challenge = challenge;
    }

    /** No or unparseable Authorization header. */
    public static AuthenticationException unauthenticated(String detail) {
        return new AuthenticationException("unauthenticated", null, detail,
                "APIKey realm=\"certfn\", Bearer realm=\"certfn\"");
    }

    /** An API key that is not recognised; the detail gives no hint about keys. */
    public static AuthenticationException invalidCredentials() {
        return new AuthenticationException("invalid_credentials", null, "The API key is not recognised.",
                "APIKey realm=\"certfn\"");
    }

    /** A bearer token rejected for {@code reason} (docs/design.md §3). */
    public static AuthenticationException invalidToken(String reason, String detail) {
        // RFC 6750 §3: printable ASCII without '"' and '\\'; the detail may quote a stranger's iss or kid.
        String description = detail.replace("\\", "").replace("\"", "'").replaceAll("[^\\x20-\\x7e]", "?");
        return new AuthenticationException("invalid_token", reason, detail,
                "Bearer realm=\"certfn\", error=\"invalid_token\", error_description=\"" + description + "\"");
    }

    @Override
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("WWW-Authenticate", challenge);
    }

    @Override
    public String title() {
        return switch (code()) {
            case "invalid_credentials" -> "Invalid credentials";
            case "invalid_token" -> "Invalid token";
            default -> "Unauthenticated";
        };
    }
}
