package io.certfn.policy;

import io.certfn.auth.Caller;
import java.util.List;

/**
 * The server-side rules (DESIGN §4). With no rules every authenticated caller may have any name
 * (le-cert-server's behaviour); with rules, a name is denied unless a rule matching the caller
 * grants it.
 */
public record Policy(List<PolicyRule> rules) {

    public Policy {
        rules = List.copyOf(rules);
    }

    /** The policy that allows everything: no policy configured. */
    public static Policy allowAll() {
        return new Policy(List.of());
    }

    /** True when no rules are configured. */
    public boolean isOpen() {
        return rules.isEmpty();
    }

    /**
     * Checks that {@code caller} may have every one of {@code names}.
     *
     * @throws DomainNotAllowedException naming the first name denied and the caller
     */
    public void check(Caller caller, List<String> names) {
        if (isOpen()) {
            return;
        }
        List<PolicyRule> matching = rules.stream().filter(r -> r.matches(caller)).toList();
        if (matching.isEmpty()) {
            throw new DomainNotAllowedException("No policy rule matches the caller " + caller.describe()
                    + ", so it may not have '" + names.get(0) + "'.");
        }
        for (String name : names) {
            if (matching.stream().noneMatch(r -> r.grants(name))) {
                String ruleNames = String.join(", ", matching.stream().map(PolicyRule::name).toList());
                throw new DomainNotAllowedException("The caller " + caller.describe() + " may not have '" + name
                        + "': no domain pattern of its rules (" + ruleNames + ") grants it.");
            }
        }
    }
}
