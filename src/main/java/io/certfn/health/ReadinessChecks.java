package io.certfn.health;

import io.certfn.acme.AcmeConfig;import io.certfn.dns.DnsConfig;import io.certfn.store.StoreConfig;import io.certfn.acme.AcmeIssuer;
import io.certfn.auth.token.TokenVerifier;
import io.certfn.dns.DnsProvider;
import io.certfn.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * certfn's readiness, check by check ({@code /q/health/ready}): the store answers a read, each
 * CA's directory can be read, the DNS provider answers and sees a zone, every token issuer's
 * signing keys are at hand. A failing check names what failed (the backend, the CA's URL, the
 * issuer) and why, never a secret. Liveness ({@code /q/health/live}) is the process serving.
 */
@ApplicationScoped
public class ReadinessChecks {

    private static final String PROBE_KEY = "health/probe";

    @Produces
    @Readiness
    @ApplicationScoped
    HealthCheck store(ObjectStore store, StoreConfig storeConfig, HealthConfig config) {
        // Reused like the others: each probe (or anyone allowed to ask) would otherwise cost a store read.
        RecheckedProbe probe = new RecheckedProbe(() -> {
            store.get(PROBE_KEY); // absent: one cheap read that proves the store answers
            return Map.of();
        }, config.recheckAfter());
        return () -> response("store", probe.problems(), Map.of("type", storeConfig.type()));
    }

    @Produces
    @Readiness
    @ApplicationScoped
    HealthCheck acmeDirectory(AcmeIssuer issuer, AcmeConfig acme, HealthConfig config) {
        RecheckedProbe probe = new RecheckedProbe(issuer::directoryProblems, config.recheckAfter());
        return () -> {
            // A CA asked last is data, not unreadiness: the others serve.
            Map<String, String> about = new java.util.LinkedHashMap<>(Map.of("directories", acme.directory()));
            about.putAll(issuer.openCircuits());
            return response("acme-directory", probe.problems(), about);
        };
    }

    @Produces
    @Readiness
    @ApplicationScoped
    HealthCheck dns(DnsProvider dns, DnsConfig dnsConfig, HealthConfig config) {
        RecheckedProbe probe = new RecheckedProbe(() -> {
            dns.check();
            return Map.of();
        }, config.recheckAfter());
        return () -> response("dns", probe.problems(), Map.of("provider", dnsConfig.provider()));
    }

    @Produces
    @Readiness
    @ApplicationScoped
    HealthCheck tokenIssuers(TokenVerifier tokens, HealthConfig config) {
        RecheckedProbe probe = new RecheckedProbe(tokens::keyProblems, config.recheckAfter());
        return () -> response("token-issuers", probe.problems(), Map.of("configured", Boolean.toString(tokens.isEnabled())));
    }

    private static HealthCheckResponse response(String name, Map<String, String> problems, Map<String, String> about) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(name).status(problems.isEmpty());
        about.forEach(builder::withData);
        problems.forEach(builder::withData);
        return builder.build();
    }
}
