package io.certfn.policy;

import io.certfn.auth.Caller;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server-side rules (DESIGN §4). A name is granted by a rule matching the caller, or by the
 * caller's token domains claim (for issuers configured with one). With no rules and no domains
 * claim every authenticated caller may have any name (le-cert-server's behaviour); otherwise
 * anything not granted is denied.
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
        Optional<List<DomainPattern>> claimed = caller.grantedDomains().map(Policy::patterns);
        if (isOpen() && claimed.isEmpty()) {
            return;
        }
        List<PolicyRule> matching = rules.stream().filter(r -> r.matches(caller)).toList();
        if (matching.isEmpty() && claimed.isEmpty()) {
            throw new DomainNotAllowedException("No policy rule matches the caller " + caller.describe()
                    + ", so it may not have '" + names.get(0) + "'.");
        }
        for (String name : names) {
            boolean byRule = matching.stream().anyMatch(r -> r.grants(name));
            boolean byClaim = claimed.map(ps -> ps.stream().anyMatch(p -> p.grants(name))).orElse(false);
            if (!byRule && !byClaim) {
                List<String> sources = new ArrayList<>();
                if (!matching.isEmpty()) {
                    sources.add("its rules (" + String.join(", ", matching.stream().map(PolicyRule::name).toList()) + ")");
                }
                claimed.ifPresent(ps -> sources.add("its token's domains claim " + ps));
                throw new DomainNotAllowedException("The caller " + caller.describe() + " may not have '" + name
                        + "': no domain pattern of " + String.join(" or ", sources) + " grants it.");
            }
        }
    }

    /** The valid patterns of a token's domains claim; invalid entries grant nothing. */
    private static List<DomainPattern> patterns(List<String> raw) {
        List<DomainPattern> patterns = new ArrayList<>();
        for (String value : raw) {
            try {
                patterns.add(DomainPattern.parse(value));
            } catch (IllegalArgumentException e) {
                // A bad entry in a token cannot widen anything; skipping it keeps the rest usable.
            }
        }
        return patterns;
    }
}
