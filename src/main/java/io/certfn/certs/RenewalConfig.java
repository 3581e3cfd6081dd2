package io.certfn.certs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * {@code certfn.renewal.*}: when a certificate is due, the sweep that renews, and what a renewal keeps.
 * {@code certfn.renewal.check-interval} is the CA side's ({@link io.certfn.acme.RenewalCheckConfig}).
 */
@ConfigMapping(prefix = "certfn.renewal")
public interface RenewalConfig {
    /**
     * {@code certfn.renewal.remaining-share}: renew when this share of the lifetime remains
     * (when the CA gives no ARI window). Default one third.
     */
    @WithName("remaining-share")
    @WithDefault("0.3333")
    double remainingShare();

    /**
     * {@code certfn.renewal.emergency-share}: always due when this share of the lifetime
     * remains, whatever the CA's window says.
     */
    @WithName("emergency-share")
    @WithDefault("0.1")
    double emergencyShare();

    /**
     * {@code certfn.renewal.sweep-budget}: how long one {@code POST /api/renewals} may work;
     * what is left is reported as deferred for the next run. Below the platform's limit
     * (Azure's front end cuts at 230 s).
     */
    @WithName("sweep-budget")
    @WithDefault("200s")
    Duration sweepBudget();

    /**
     * {@code certfn.renewal.concurrency}: how many due certificates one sweep renews at once,
     * earliest expiry first (a CA's mass revocation makes thousands due in a day). Keep it at or
     * below {@code certfn.limits.orders-per-caller}: the sweep's caller is counted like any other.
     */
    @WithDefault("4")
    int concurrency();

    /**
     * {@code certfn.renewal.failure-backoff}: after an order for a certificate failed (the CA
     * refused or could not validate, the DNS provider failed), no instance orders it again for
     * this long; each further failure doubles the wait, up to 6 hours. Keeps a broken name
     * under the CA's limits (Let's Encrypt: 5 failed validations per name per hour).
     */
    @WithName("failure-backoff")
    @WithDefault("15m")
    Duration failureBackoff();

    /**
     * {@code certfn.renewal.sweep-interval}: how often one caller may run {@code POST
     * /api/renewals} on one instance; sooner is {@code 429 renew_too_soon}. A sweep reads and
     * opens every stored certificate, so it must not be a tool for wearing the server down.
     */
    @WithName("sweep-interval")
    @WithDefault("60s")
    Duration sweepInterval();

    /**
     * {@code certfn.renewal.reuse-key}: a renewal keeps the certificate's key (for SPKI
     * pinning and DANE 3 1 1, and le-cert-server's behaviour) instead of a new one; never
     * after a {@code keyCompromise} revocation.
     */
    @WithName("reuse-key")
    @WithDefault("false")
    boolean reuseKey();
}
