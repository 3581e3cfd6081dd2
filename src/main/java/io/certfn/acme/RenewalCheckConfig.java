package io.certfn.acme;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * {@code certfn.renewal.check-interval}, the one renewal key the CA side reads: where in a CA's ARI
 * window the renewal is placed depends on how often it is looked at. The other
 * {@code certfn.renewal.*} keys are the certs package's {@code RenewalConfig} (a prefix may have several mappings).
 */
@ConfigMapping(prefix = "certfn.renewal")
public interface RenewalCheckConfig {
    /**
     * {@code certfn.renewal.check-interval}: how often the scheduler runs the renewal sweep
     * (the deploy templates: every 12 hours). Within a CA's renewal window the due time is
     * picked so that a sweep still falls inside the window (RFC 9773 §4.2).
     */
    @WithName("check-interval")
    @WithDefault("12h")
    Duration checkInterval();
}
