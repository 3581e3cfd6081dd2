package io.certfn.quota;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * {@code certfn.limits.*}: what no caller may use up alone. Orders and waits are counted per instance (they hold its
 * threads); new certificates and revocations are counted in the store, by every instance
 * together, below the CA's own limits (they are the CA account's and the registered domain's).
 */
@ConfigMapping(prefix = "certfn.limits")
public interface LimitsConfig {
    /** {@code certfn.limits.orders-per-caller}: orders one caller may have running at once on one instance. */
    @WithName("orders-per-caller")
    @WithDefault("10")
    int ordersPerCaller();

    /** {@code certfn.limits.orders}: orders running at once on one instance, all callers together. */
    @WithDefault("50")
    int orders();

    /**
     * {@code certfn.limits.new-certificates-per-hour}: new certificates (orders the CA counts: no
     * {@code replaces}) one caller may order in an hour, all instances together.
     */
    @WithName("new-certificates-per-hour")
    @WithDefault("10")
    int newCertificatesPerHour();

    /**
     * {@code certfn.limits.new-certificates-per-registered-domain}: new certificates per registered
     * domain (Public Suffix List) in 7 days, all callers and instances together; half of Let's
     * Encrypt's 50, so one tenant cannot spend the domain's quota for the others.
     */
    @WithName("new-certificates-per-registered-domain")
    @WithDefault("25")
    int newCertificatesPerRegisteredDomain();

    /**
     * {@code certfn.limits.revocation-cooldown}: one revocation per set of names in this time, all
     * instances together (each is followed by an order the CA counts against its 5 per week
     * for the same names); {@code 0s} turns it off.
     */
    @WithName("revocation-cooldown")
    @WithDefault("48h")
    Duration revocationCooldown();

    /** {@code certfn.limits.waits-per-caller}: requests of one caller waiting for an order (or a lease) at once. */
    @WithName("waits-per-caller")
    @WithDefault("50")
    int waitsPerCaller();
}
