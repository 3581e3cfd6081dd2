package io.certfn.policy;

import io.certfn.auth.Authenticator;
import io.certfn.auth.Caller;
import io.certfn.auth.PlatformIdentity;
import io.certfn.auth.token.TokenVerifier;
import io.certfn.config.CertfnConfig;
import io.certfn.store.ChecksummedStore;
import io.certfn.store.StoreKeys;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Loads the policy named by {@code certfn.policy} once at start-up: inline YAML/JSON, a file
 * path, or {@code store:<key>} (an object in the store). A broken policy stops start-up.
 */
@Singleton
public class PolicyService {

    private static final Logger LOG = Logger.getLogger(PolicyService.class);

    private final Policy policy;

    public PolicyService(CertfnConfig config, ChecksummedStore store, Authenticator authenticator, TokenVerifier tokens,
            Instance<PlatformIdentity> platformIdentities) {
        this.policy = load(config.policy(), store);
        List<String> platforms = tokens.platformPresets();
        requireRulesFor(tokens.issuersNeedingPolicy().stream().map(name -> "certfn.auth." + name).toList(),
                platformIdentities.stream().flatMap(p -> p.trustSetting().stream()).toList());
        for (PolicyRule rule : policy.rules()) {
            String issuer = rule.match().get("issuer");
            if (issuer != null && rule.match().size() == 1 && platforms.contains(issuer)) {
                LOG.warnf("Policy rule '%s' matches every %s token in the world: add a claim such as sub or email", rule.name(), issuer);
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
        policy.check(caller, names);
    }

    /**
     * Checks that {@code caller} may renew {@code names} in a renewal sweep.
     *
     * @throws DomainNotAllowedException when a name is not granted for renewals
     */
    public void checkRenewal(Caller caller, List<String> names) {
        policy.checkRenewal(caller, names);
    }

    /** True when some rule lets {@code caller} run the renewal sweep (or no policy is configured). */
    public boolean mayRenew(Caller caller) {
        return policy.mayRenew(caller);
    }

    /** True when no policy is configured (everything allowed). */
    public boolean isOpen() {
        return policy.isOpen();
    }

    static Policy load(Optional<String> setting, ChecksummedStore store) {
        if (setting.isEmpty() || setting.get().isBlank()) {
            return Policy.allowAll();
        }
        String value = setting.get().strip();
        try {
            if (value.startsWith("store:")) {
                String key = StoreKeys.check(value.substring("store:".length()));
                // An operator uploads the policy by hand, so it carries no certfn header.
                byte[] data = store.getExternal(key).orElseThrow(() -> new IllegalArgumentException(
                        "the store has no object '" + key + "'"));
                return PolicyParser.parse(new String(data, StandardCharsets.UTF_8), "store:" + key);
            }
            if (value.startsWith("{") || value.contains("rules:") || value.contains("\n")) {
                return PolicyParser.parse(value, "certfn.policy (inline)");
            }
            Path file = Path.of(value);
            return PolicyParser.parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new IllegalStateException("certfn.policy: cannot read " + value + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("certfn.policy: " + e.getMessage(), e);
        }
    }
}
