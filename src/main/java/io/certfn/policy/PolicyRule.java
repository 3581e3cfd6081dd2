package io.certfn.policy;

import io.certfn.delivery.DeliveryTarget;
import io.certfn.identity.Caller;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One rule: callers matching every entry of {@code match} may have names granted by
 * {@code domains}. Match keys: {@code apiKey} (the key's name); {@code issuer} (a preset name
 * such as {@code google}, the exact {@code iss} URL, or {@code *} for every token issuer; every
 * rule names an issuer or an API key, so none applies across issuers by accident); {@code sub}; any other key is a claim
 * path (see {@link Caller#claimValues}) that matches when one of its values equals the text.
 * {@code actions} limits what its callers may do ({@link #ALL} unless the rule says otherwise): a
 * scheduler's rule is {@code actions: [renew]}, so its identity can never receive a key.
 * {@code deliver} names where the certificates it grants go besides the caller (ACM, Key Vault,
 * Certificate Manager).
 */
public record PolicyRule(String name, Map<String, String> match, List<DomainPattern> domains, Set<String> actions,
        List<DeliveryTarget> deliver) {

    /** {@code issuer: '*'}: every token issuer and platform, said on purpose (a rule must name its issuer). */
    public static final String ANY_ISSUER = "*";

    /** Receive certificates and keys ({@code POST /api/certificate}, {@code /renew}). */
    public static final String CERTIFICATE = "certificate";
    /** Run the renewal sweep ({@code POST /api/renewals}), which hands out no key. */
    public static final String RENEW = "renew";
    /** Revoke certificates of its names ({@code POST /api/certificate/revoke}); never implied by the others. */
    public static final String REVOKE = "revoke";
    /** Read readiness and metrics on the cloud builds ({@code /q/health/ready}, {@code /q/metrics}). */
    public static final String OBSERVE = "observe";
    /**
     * What a rule without {@code actions} allows. Revocation is not in it: a co-grantee who may
     * revoke can spend the CA's duplicate-certificate limit for everyone sharing the names.
     */
    public static final Set<String> ALL = Set.of(CERTIFICATE, RENEW);
    /** Every action a rule may name, with what it allows (for messages). */
    public static final Map<String, String> KNOWN = known();

    private static Map<String, String> known() {
        Map<String, String> known = new java.util.LinkedHashMap<>();
        known.put(CERTIFICATE, "receive certificates and keys");
        known.put(RENEW, "run the renewal sweep, never receive a key");
        known.put(REVOKE, "revoke certificates of its names");
        known.put(OBSERVE, "read readiness and metrics");
        return java.util.Collections.unmodifiableMap(known);
    }

    public PolicyRule {
        match = Map.copyOf(match);
        domains = List.copyOf(domains);
        actions = Set.copyOf(actions);
        deliver = List.copyOf(deliver);
    }

    /** A rule that delivers nowhere. */
    public PolicyRule(String name, Map<String, String> match, List<DomainPattern> domains, Set<String> actions) {
        this(name, match, domains, actions, List.of());
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

    /** True when the rule allows {@code action} (one of {@link #KNOWN}). */
    public boolean allows(String action) {
        return actions.contains(action);
    }

    /** True when {@code caller} satisfies every match entry. */
    public boolean matches(Caller caller) {
        for (Map.Entry<String, String> entry : match.entrySet()) {
            String expected = entry.getValue();
            boolean ok = switch (entry.getKey()) {
                case "apiKey" -> caller.method() == Caller.Method.API_KEY && caller.subject().equals(expected);
                case "issuer" -> caller.method() != Caller.Method.API_KEY
                        && (expected.equals(ANY_ISSUER) || caller.issuer().equals(expected) || caller.claimValues("iss").contains(expected));
                case "sub" -> caller.method() != Caller.Method.API_KEY && caller.subject().equals(expected);
                default -> caller.claimValues(entry.getKey()).contains(expected);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** True when the rule grants certificates for every one of {@code names}: its targets then receive them. */
    public boolean deliversFor(List<String> names) {
        return !deliver.isEmpty() && grantsCertificates() && names.stream().allMatch(this::grants);
    }

    /** True when one of this rule's patterns grants {@code name}. */
    public boolean grants(String name) {
        return domains.stream().anyMatch(p -> p.grants(name));
    }
}
