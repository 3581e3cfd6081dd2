package io.certfn.policy;

import io.certfn.identity.Caller;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server-side rules (docs/design.md §4). A name is granted by a rule matching the caller, or by the
 * caller's token domains claim (for issuers configured with one). With no policy configured at all
 * and no domains claim every authenticated caller may have any name (le-cert-server's pre-shared
 * key mode; start-up allows that only for API keys); with a policy, anything not granted is
 * denied, and an empty rule list denies everyone.
 *
 * @param rules the rules, in the order written
 * @param configured false only when no policy was configured (the open, API-key-only mode)
 */
public record Policy(List<PolicyRule> rules, boolean configured) {

    public Policy {
        rules = List.copyOf(rules);
    }

    /** A configured policy of {@code rules} (an empty list denies everyone). */
    public Policy(List<PolicyRule> rules) {
        this(rules, true);
    }

    /** No policy configured: every authenticated caller may have any name. */
    public static Policy allowAll() {
        return new Policy(List.of(), false);
    }

    /** True when no policy is configured. */
    public boolean isOpen() {
        return !configured;
    }

    /**
     * Checks that {@code caller} may receive certificates and keys for every one of {@code names}
     * ({@code POST /api/certificate} and {@code /renew}).
     *
     * @throws DomainNotAllowedException naming the first name denied and the caller
     */
    public void check(Caller caller, List<String> names) {
        check(caller, names, PolicyRule.CERTIFICATE);
    }

    /**
     * Checks that {@code caller} may renew {@code names} in a renewal sweep, which hands out no key:
     * a renew-only rule ({@code actions: [renew]}) or a full grant.
     *
     * @throws DomainNotAllowedException naming the first name denied and the caller
     */
    public void checkRenewal(Caller caller, List<String> names) {
        check(caller, names, PolicyRule.RENEW);
    }

    /** True when {@code caller} may run the renewal sweep at all: some rule of it grants renewals. */
    public boolean mayRenew(Caller caller) {
        return may(caller, PolicyRule.RENEW);
    }

    /**
     * True when {@code caller} may do {@code action} for some names: a rule of it allows the action
     * (a token's domains claim grants certificates and renewals, never revocation or observing; with
     * no policy every authenticated caller may do everything). A caller certfn could not
     * authenticate itself may only renew.
     */
    public boolean may(Caller caller, String action) {
        if (caller.unverified().isPresent() && !action.equals(PolicyRule.RENEW)) {
            return false;
        }
        return isOpen() || (caller.grantedDomains().isPresent() && PolicyRule.ALL.contains(action))
                || rules.stream().anyMatch(r -> r.allows(action) && r.matches(caller));
    }

    /**
     * Checks that {@code caller} may do {@code action} (one of {@link PolicyRule#KNOWN}) for every
     * one of {@code names}.
     *
     * @throws DomainNotAllowedException naming the first name denied, the caller and why
     */
    public void check(Caller caller, List<String> names, String action) {
        if (caller.unverified().isPresent() && !action.equals(PolicyRule.RENEW)) {
            throw new DomainNotAllowedException("The caller " + caller.describe() + " may not have '" + names.get(0)
                    + "': its identity comes from " + caller.unverified().get() + ", so it may only run renewals"
                    + " (POST /api/renewals) and never receives a key.");
        }
        Optional<List<DomainPattern>> claimed = caller.grantedDomains().filter(c -> PolicyRule.ALL.contains(action))
                .map(Policy::patterns);
        if (isOpen() && claimed.isEmpty()) {
            return;
        }
        List<PolicyRule> matchingAny = rules.stream().filter(r -> r.matches(caller)).toList();
        List<PolicyRule> matching = matchingAny.stream().filter(r -> r.allows(action)).toList();
        if (matching.isEmpty() && claimed.isEmpty()) {
            throw new DomainNotAllowedException(noRule(caller, names.get(0), matchingAny, action));
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
                throw new DomainNotAllowedException("The caller " + caller.describe() + " may not " + verb(action) + " '" + name
                        + "': no domain pattern of " + String.join(" or ", sources) + " grants it.");
            }
        }
    }

    private static String verb(String action) {
        return switch (action) {
            case PolicyRule.REVOKE -> "revoke the certificate of";
            case PolicyRule.RENEW -> "renew";
            case PolicyRule.OBSERVE -> "observe";
            default -> "have";
        };
    }

    private String noRule(Caller caller, String name, List<PolicyRule> matchingOtherActions, String action) {
        String what = verb(action) + " '" + name + "'";
        if (rules.isEmpty()) {
            return "The policy (certfn.policy) has no rules, so no caller may " + what + ".";
        }
        if (!matchingOtherActions.isEmpty()) {
            List<String> named = matchingOtherActions.stream().map(r -> r.name() + " (actions: " + r.actions() + ")").toList();
            return "The caller " + caller.describe() + " matches only " + String.join(", ", named)
                    + ", which do not allow the action '" + action + "' (" + PolicyRule.KNOWN.get(action) + "),"
                    + " so it may not " + what + " here.";
        }
        return "No policy rule matches the caller " + caller.describe() + ", so it may not " + what + ".";
    }

    /**
     * The delivery targets of every rule that grants certificates for all of {@code names}, each
     * once: the certificate is the same whoever asks for it, so it goes wherever a rule granting it says.
     */
    public List<io.certfn.delivery.DeliveryTarget> targetsFor(List<String> names) {
        java.util.Map<String, io.certfn.delivery.DeliveryTarget> targets = null; // made only when a rule delivers: the warm path asks
        for (PolicyRule rule : rules) {
            if (rule.deliversFor(names)) {
                targets = targets == null ? new java.util.LinkedHashMap<>() : targets;
                for (io.certfn.delivery.DeliveryTarget t : rule.deliver()) {
                    targets.putIfAbsent(t.key(), t);
                }
            }
        }
        return targets == null ? List.of() : List.copyOf(targets.values());
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
