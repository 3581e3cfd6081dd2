package io.certfn.auth;

import java.util.Map;
import java.util.Optional;

/**
 * Who is calling, as established by {@code auth}: how they proved it, the issuer that vouches
 * for them ({@code apiKey} for API keys), their subject (the key's name, a token's {@code sub},
 * a platform principal) and any further claims the policy may match.
 */
public record Caller(Method method, String issuer, String subject, Map<String, Object> claims) {

    /** How the caller authenticated. */
    public enum Method {
        API_KEY,
        BEARER_TOKEN,
        PLATFORM
    }

    /** The issuer name API-key callers carry. */
    public static final String API_KEY_ISSUER = "apiKey";

    public Caller {
        claims = Map.copyOf(claims);
    }

    /** A caller who presented the API key named {@code name}. */
    public static Caller apiKey(String name) {
        return new Caller(Method.API_KEY, API_KEY_ISSUER, name, Map.of());
    }

    /** A claim by name (top-level), if present. */
    public Optional<Object> claim(String name) {
        return Optional.ofNullable(claims.get(name));
    }

    /** A short, secret-free description for logs and error details, e.g. {@code apiKey:ops}. */
    public String describe() {
        return method == Method.API_KEY ? "apiKey:" + subject : subject + " (" + issuer + ")";
    }
}
