package io.certfn.policy;

import io.certfn.auth.Authenticator;
import io.certfn.auth.Caller;
import io.certfn.auth.PlatformIdentity;
import io.certfn.auth.token.TokenVerifier;
import io.certfn.config.CertfnConfig;
import io.certfn.crypto.KeySealer;
import io.certfn.store.ChecksummedStore;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The policy named by {@code certfn.policy}: inline YAML/JSON, a file path, or {@code store:<key>}
 * (an object in the store, authenticated by {@code <key>.hmac}: see {@link PolicySource}). A
 * broken policy stops start-up; a file or store policy is looked at again every {@code
 * certfn.policy.reload-interval} beside the requests, and a valid change applies from then on.
 */
@Singleton
public class PolicyService {

    private static final Logger LOG = Logger.getLogger(PolicyService.class);

    private volatile Policy policy;
    private final PolicySource source;
    private final PolicyReloader reloader;

    public PolicyService(CertfnConfig config, ChecksummedStore store, KeySealer sealer, Authenticator authenticator,
            TokenVerifier tokens, Instance<PlatformIdentity> platformIdentities) {
        this.source = PolicySource.of(config.policy(), store, sealer);
        this.policy = source.load();
        this.reloader = new PolicyReloader(source, config.policyReloadInterval(), this::replace);
        List<String> platforms = tokens.platformPresets();
        requireRulesFor(tokens.issuersNeedingPolicy().stream().map(name -> "certfn.auth." + name).toList(),
                platformIdentities.stream().flatMap(p -> p.trustSetting().stream()).toList());
        for (PolicyRule rule : policy.rules()) {
            String issuer = rule.match().get("issuer");
            if (issuer != null && rule.match().size() == 1 && (platforms.contains(issuer) || issuer.equals("oidc")
                    || issuer.equals(PolicyRule.ANY_ISSUER))) {
                LOG.warnf("Policy rule '%s' matches every %s token its issuer signs (for a public issuer such as GitHub Actions,"
                        + " every workflow in the world): add a claim such as sub or email", rule.name(),
                        issuer.equals(PolicyRule.ANY_ISSUER) ? "trusted issuer's" : issuer);
            }
        }
        if (policy.isOpen()) {
            LOG.warn("No policy configured (certfn.policy): every API key may have any name (le-cert-server's pre-shared key mode)");
        } else {
            LOG.infof("Policy: %d rule(s)", policy.rules().size());
            List<String> keyNames = authenticator.apiKeys().names();
            for (PolicyRule rule : policy.rules()) {
                String key = rule.match().get("apiKey");
                if (key != null && !keyNames.contains(key)) {
                    LOG.warnf("Policy rule '%s' matches apiKey '%s', which certfn.auth.api-keys does not define", rule.name(), key);
                }
            }
        }
    }

    /**
     * Deny by default (DESIGN §4): a token issuer or a platform identity admits anyone its platform
     * gives an identity to — any Google account, any GitHub workflow — so enabling one without policy
     * rules is refused; only an API-key-only server may run without a policy.
     */
    private void replace(Policy reloaded) {
        policy = reloaded;
        LOG.infof("Policy reloaded from %s: %d rule(s)", source.describe(), reloaded.rules().size());
    }

    /** The policy in force; asks for a look at its source when the reload interval has passed. */
    private Policy policy() {
        reloader.maybeReload();
        return policy;
    }

    private void requireRulesFor(List<String> issuers, List<String> platformSettings) {
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

    /**
     * Checks that {@code caller} may have all {@code names}.
     *
     * @throws DomainNotAllowedException when a name is not granted
     */
    public void check(Caller caller, List<String> names) {
        policy().check(caller, names);
    }

    /**
     * Checks that {@code caller} may renew {@code names} in a renewal sweep.
     *
     * @throws DomainNotAllowedException when a name is not granted for renewals
     */
    public void checkRenewal(Caller caller, List<String> names) {
        policy().checkRenewal(caller, names);
    }

    /** True when some rule lets {@code caller} run the renewal sweep (or no policy is configured). */
    public boolean mayRenew(Caller caller) {
        return policy().mayRenew(caller);
    }

    /**
     * Checks that {@code caller} may do {@code action} for every one of {@code names}.
     *
     * @throws DomainNotAllowedException when a name is not granted for that action
     */
    public void check(Caller caller, List<String> names, String action) {
        policy().check(caller, names, action);
    }

    /** True when some rule lets {@code caller} do {@code action} (see {@link Policy#may}). */
    public boolean may(Caller caller, String action) {
        return policy().may(caller, action);
    }

    /** True when no policy is configured (everything allowed). */
    public boolean isOpen() {
        return policy().isOpen();
    }
}
