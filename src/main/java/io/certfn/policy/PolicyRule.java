package io.certfn.policy;

import io.certfn.auth.Caller;
import java.util.List;
import java.util.Map;

/**
 * One rule: callers matching every entry of {@code match} may have names granted by
 * {@code domains}. Match keys: {@code apiKey} (the key's name); {@code issuer} (a preset name
 * such as {@code google}, or the exact {@code iss} URL); {@code sub}; any other key is a claim
 * path (see {@link Caller#claimValues}) that matches when one of its values equals the text.
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
                case "issuer" -> caller.method() != Caller.Method.API_KEY
                        && (caller.issuer().equals(expected) || caller.claimValues("iss").contains(expected));
                case "sub" -> caller.method() != Caller.Method.API_KEY && caller.subject().equals(expected);
                default -> caller.claimValues(entry.getKey()).contains(expected);
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
