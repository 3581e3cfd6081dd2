package io.certfn.app;

import io.certfn.auth.PlatformIdentity;
import io.certfn.auth.token.TokenVerifier;
import io.certfn.policy.Policy;
import io.certfn.policy.PolicyRule;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * What the policy must hold given the credentials certfn accepts, checked at start-up: the policy
 * itself knows nothing of issuers and API keys, and the credentials nothing of the policy.
 */
final class PolicyChecks {

    private static final Logger LOG = Logger.getLogger(PolicyChecks.class);

    private PolicyChecks() {
    }

    /**
     * Refuses a token issuer or platform identity without policy rules; warns on rules that match a
     * whole issuer and on rules naming an API key that does not exist.
     *
     * @throws IllegalStateException naming the setting that needs rules
     */
    static void check(Policy policy, TokenVerifier tokens, List<String> apiKeyNames, List<PlatformIdentity> platforms) {
        requireRulesFor(policy, tokens.issuersNeedingPolicy().stream().map(name -> "certfn.auth." + name).toList(),
                platforms.stream().flatMap(p -> p.trustSetting().stream()).toList());
        List<String> presets = tokens.platformPresets();
        for (PolicyRule rule : policy.rules()) {
            String issuer = rule.match().get("issuer");
            if (issuer != null && rule.match().size() == 1 && (presets.contains(issuer) || issuer.equals("oidc")
                    || issuer.equals(PolicyRule.ANY_ISSUER))) {
                LOG.warnf("Policy rule '%s' matches every %s token its issuer signs (for a public issuer such as GitHub Actions,"
                        + " every workflow in the world): add a claim such as sub or email", rule.name(),
                        issuer.equals(PolicyRule.ANY_ISSUER) ? "trusted issuer's" : issuer);
            }
            String key = rule.match().get("apiKey");
            if (key != null && !apiKeyNames.contains(key)) {
                LOG.warnf("Policy rule '%s' matches apiKey '%s', which certfn.auth.api-keys does not define", rule.name(), key);
            }
        }
    }

    /**
     * Every delivery target a rule names must have its cloud's client in this build (each cloud's
     * build holds only its own SDK): found at start-up, not at the first issuance.
     *
     * @throws IllegalStateException naming the rule, the target and the builds that can deliver to it
     */
    static void requireDeliveryClients(Policy policy, List<String> kinds) {
        for (PolicyRule rule : policy.rules()) {
            for (io.certfn.delivery.DeliveryTarget target : rule.deliver()) {
                if (!kinds.contains(target.kind())) {
                    String cloud = switch (target.kind()) {
                        case "acm" -> "AWS (-Paws)";
                        case "keyVault" -> "Azure (-Pazure)";
                        default -> "Google Cloud (-Pgcp)";
                    };
                    throw new IllegalStateException("Policy rule '" + rule.name() + "' delivers to " + target.key() + ", but this build has no "
                            + target.kind() + " client: deliver to it from the " + cloud + " build or the default build (this one can deliver to: "
                            + (kinds.isEmpty() ? "nothing" : String.join(", ", kinds.stream().sorted().toList())) + ")");
                }
            }
        }
    }

    /**
     * Deny by default (docs/design.md, trust model): a token issuer or a platform identity admits
     * anyone its platform gives an identity to — any Google account, any GitHub workflow — so
     * enabling one without policy rules is refused; only an API-key-only server may run without one.
     */
    private static void requireRulesFor(Policy policy, List<String> issuers, List<String> platformSettings) {
        if (!policy.rules().isEmpty() || (issuers.isEmpty() && platformSettings.isEmpty())) {
            return;
        }
        String enabled = !issuers.isEmpty() ? issuers.get(0) + " is enabled" : platformSettings.get(0) + " is set";
        throw new IllegalStateException(enabled + " but certfn.policy has no rules. Anyone with an identity on that platform"
                + " (any Google account, any GitHub Actions workflow, any tenant's app) can get a token for any audience, so issuer"
                + " and audience alone admit strangers: add rules that match your workloads (e.g. {issuer: google, email: ...},"
                + " {issuer: azure, oid: ...}, {issuer: aws, sub: <role ARN>}, {issuer: oidc, sub: repo:org/repo:ref:refs/heads/main})"
                + (issuers.contains("certfn.auth.oidc") ? ", or give an issuer that signs your own claims a certfn.auth.oidc.domains-claim" : "")
                + ".");
    }
}
