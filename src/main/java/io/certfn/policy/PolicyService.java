package io.certfn.policy;

import io.certfn.crypto.KeySealer;
import io.certfn.identity.Caller;
import io.certfn.store.ChecksummedStore;
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
public class PolicyService implements io.certfn.delivery.DeliveryPlan {

    private static final Logger LOG = Logger.getLogger(PolicyService.class);

    private volatile Policy policy;
    private final PolicySource source;
    private final PolicyReloader reloader;

    public PolicyService(PolicyConfig config, ChecksummedStore store, KeySealer sealer) {
        this.source = PolicySource.of(config.policy(), store, sealer);
        this.policy = source.load();
        this.reloader = new PolicyReloader(source, config.reloadInterval(), this::replace);
        if (policy.isOpen()) {
            LOG.warn("No policy configured (certfn.policy): every API key may have any name (le-cert-server's pre-shared key mode)");
        } else {
            LOG.infof("Policy: %d rule(s)", policy.rules().size());
        }
    }

    /** The policy in force now (start-up checks read its rules). */
    public Policy current() {
        return policy;
    }

    private void replace(Policy reloaded) {
        policy = reloaded;
        LOG.infof("Policy reloaded from %s: %d rule(s)", source.describe(), reloaded.rules().size());
    }

    /** The policy in force; asks for a look at its source when the reload interval has passed. */
    private Policy policy() {
        reloader.maybeReload();
        return policy;
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

    @Override
    public List<io.certfn.delivery.DeliveryTarget> targetsFor(List<String> names) {
        return policy().targetsFor(names);
    }

    /** True when no policy is configured (everything allowed). */
    public boolean isOpen() {
        return policy().isOpen();
    }
}
