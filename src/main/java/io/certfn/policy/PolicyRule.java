package io.certfn.policy;

import io.certfn.auth.Caller;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One rule: callers matching every entry of {@code match} may have names granted by
 * {@code domains}. Match keys: {@code apiKey} (the key's name); {@code issuer} (a preset name
 * such as {@code google}, or the exact {@code iss} URL); {@code sub}; any other key is a claim
 * path (see {@link Caller#claimValues}) that matches when one of its values equals the text.
 * {@code actions} limits what its callers may do ({@link #ALL} unless the rule says otherwise): a
 * scheduler's rule is {@code actions: [renew]}, so its identity can never receive a key.
 */
public record PolicyRule(String name, Map<String, String> match, List<DomainPattern> domains, Set<String> actions) {

    /** Receive certificates and keys ({@code POST /api/certificate}, {@code /renew}). */
    public static final String CERTIFICATE = "certificate";
    /** Run the renewal sweep ({@code POST /api/renewals}), which hands out no key. */
    public static final String RENEW = "renew";
    /** What a rule without {@code actions} allows: everything. */
    public static final Set<String> ALL = Set.of(CERTIFICATE, RENEW);

    public PolicyRule {
        match = Map.copyOf(match);
        domains = List.copyOf(domains);
        actions = Set.copyOf(actions);
    }

    /** A rule that allows every action. */
    public PolicyRule(String name, Map<String, String> match, List<DomainPattern> domains) {
        this(name, match, domains, ALL);
    }

    /** True when the rule's callers may receive certificates and their keys. */
    public boolean grantsCertificates() {
        return actions.contains(CERTIFICATE);
    }

    /** True when the rule's callers may run the renewal sweep for its names. */
    public boolean grantsRenewals() {
        return actions.contains(RENEW);
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
