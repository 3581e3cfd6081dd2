package io.certfn.identity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who is calling, as established by {@code auth}: how they proved it, the issuer that vouches
 * for them ({@code apiKey} for API keys, the preset name such as {@code google} for tokens, the
 * platform for front-end verified identities), their subject (the key's name, a token's
 * {@code sub}, a platform principal), the claims the policy may match, and the domain patterns a
 * token's domains claim grants, if its issuer is configured with one.
 *
 * <p>{@code unverified} is present when certfn could not authenticate the identity itself and the
 * platform does not guarantee it either: a Lambda event's {@code requestContext.authorizer.iam} is
 * written by whoever invokes the function directly. It says where the identity came from and what
 * setting would trust it; such a caller may only run renewals (docs/design.md §4: it never receives a key).
 */
public record Caller(Method method, String issuer, String subject, Map<String, Object> claims,
        Optional<List<String>> grantedDomains, Optional<String> unverified) {

    /** How the caller authenticated. */
    public enum Method {
        API_KEY,
        BEARER_TOKEN,
        /** Verified by the platform in front of certfn (Lambda URL AWS_IAM, App Service auth). */
        PLATFORM
    }

    /** The issuer name API-key callers carry. */
    public static final String API_KEY_ISSUER = "apiKey";

    public Caller {
        // Tokens may carry null claims; they can match nothing, so they are dropped.
        Map<String, Object> present = new java.util.HashMap<>();
        claims.forEach((k, v) -> {
            if (v != null) {
                present.put(k, v);
            }
        });
        claims = Map.copyOf(present);
        grantedDomains = grantedDomains.map(List::copyOf);
    }

    /** A verified caller, with the domain patterns its token's domains claim grants. */
    public Caller(Method method, String issuer, String subject, Map<String, Object> claims,
            Optional<List<String>> grantedDomains) {
        this(method, issuer, subject, claims, grantedDomains, Optional.empty());
    }

    /** A verified caller without a domains claim. */
    public Caller(Method method, String issuer, String subject, Map<String, Object> claims) {
        this(method, issuer, subject, claims, Optional.empty(), Optional.empty());
    }

    /**
     * This identity marked as one certfn cannot authenticate: {@code source} says where it came from
     * and which setting would trust it (it is quoted in refusals).
     */
    public Caller unverified(String source) {
        return new Caller(method, issuer, subject, claims, grantedDomains, Optional.of(source));
    }

    /** A caller who presented the API key named {@code name}. */
    public static Caller apiKey(String name) {
        return new Caller(Method.API_KEY, API_KEY_ISSUER, name, Map.of());
    }

    /**
     * The string values at a claim path: a top-level claim name, or a claim name followed by
     * {@code .}-separated keys into nested objects (claim names may themselves contain dots, as
     * AWS's {@code https://sts.amazonaws.com/} does). Arrays yield each element.
     */
    public List<String> claimValues(String path) {
        List<String> values = new ArrayList<>();
        collect(claims, path, values);
        return values;
    }

    @SuppressWarnings("unchecked")
    private static void collect(Map<String, Object> object, String path, List<String> out) {
        Object direct = object.get(path);
        if (direct != null) {
            flatten(direct, out);
        }
        for (Map.Entry<String, Object> entry : object.entrySet()) {
            String prefix = entry.getKey() + ".";
            if (path.startsWith(prefix) && entry.getValue() instanceof Map<?, ?> nested) {
                collect((Map<String, Object>) nested, path.substring(prefix.length()), out);
            }
        }
    }

    private static void flatten(Object value, List<String> out) {
        if (value instanceof Collection<?> many) {
            many.forEach(v -> flatten(v, out));
        } else if (value != null && !(value instanceof Map)) {
            out.add(String.valueOf(value));
        }
    }

    /** A short, secret-free description for logs and error details, e.g. {@code apiKey:ops}. */
    public String describe() {
        return issuer + ":" + subject;
    }
}
