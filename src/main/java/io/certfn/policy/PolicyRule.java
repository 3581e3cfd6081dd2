package io.certfn.policy;

import io.certfn.auth.Caller;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One rule: callers matching every entry of {@code match} may have names granted by
 * {@code domains}. Match keys: {@code apiKey} (the key's name), {@code issuer}, {@code sub};
 * any other key compares the caller's claim of that name as a string.
 */
public record PolicyRule(String name, Map<String, String> match, List<DomainPattern> domains) {

    public PolicyRule {
        match = Map.copyOf(match);
        domains = List.copyOf(domains);
    }

    /** True when {@code caller} satisfies every match entry. */
    public boolean matches(Caller caller) {
        for (Map.Entry<String, String> entry : match.entrySet()) {
            String expected = entry.getValue();
            boolean ok = switch (entry.getKey()) {
                case "apiKey" -> caller.method() == Caller.Method.API_KEY && caller.subject().equals(expected);
                case "issuer" -> caller.issuer().equals(expected);
                case "sub" -> caller.subject().equals(expected);
                default -> caller.claim(entry.getKey()).map(v -> Objects.toString(v).equals(expected)).orElse(false);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** True when one of this rule's patterns grants {@code name}. */
    public boolean grants(String name) {
        return domains.stream().anyMatch(p -> p.grants(name));
    }
}
