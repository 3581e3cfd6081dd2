package io.certfn.app;

import io.certfn.acme.AcmeAccount;
import io.certfn.acme.AcmeAccounts;
import io.certfn.auth.Authenticator;
import io.certfn.auth.PlatformIdentity;
import io.certfn.auth.token.TokenVerifier;
import io.certfn.delivery.DeliveryBackend;
import io.certfn.dns.DnsConfig;
import io.certfn.dns.DnsLookup;
import io.certfn.dns.DnsProvider;
import io.certfn.policy.PolicyService;
import io.certfn.store.ObjectStore;
import io.certfn.store.StoreConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Builds every configured component at start-up, so a missing or malformed setting stops the
 * process with a message naming the key instead of failing the first request.
 */
@Startup
@Singleton
public class StartupCheck {

    private static final Logger LOG = Logger.getLogger(StartupCheck.class);

    public StartupCheck(DnsConfig dnsConfig, StoreConfig storeConfig, ObjectStore store, DnsProvider dns, DnsLookup lookup, AcmeAccounts acme,
            Authenticator authenticator, TokenVerifier tokens, Instance<PlatformIdentity> platforms, PolicyService policy,
            Instance<DeliveryBackend> deliveries) {
        PolicyChecks.check(policy.current(), tokens, authenticator.apiKeys().names(), platforms.stream().toList());
        if (policy.current().rules().stream().anyMatch(rule -> !rule.deliver().isEmpty())) {
            // Only then: each backend's class refers to its cloud's SDK, which a cold start without targets never loads.
            PolicyChecks.requireDeliveryClients(policy.current(), deliveries.stream().map(DeliveryBackend::kind).toList());
        }
        LOG.infof("certfn ready: CA %s, DNS %s, store %s, %d API key(s), policy %s",
                String.join(" then ", acme.all().stream().map(AcmeAccount::directory).toList()), dnsConfig.provider(), storeConfig.type(),
                authenticator.apiKeys().names().size(), policy.isOpen() ? "open (none configured)" : "configured");
    }
}
