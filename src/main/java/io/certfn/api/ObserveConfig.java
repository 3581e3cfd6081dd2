package io.certfn.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * {@code certfn.observe.*}: who may read readiness and metrics.
 */
@ConfigMapping(prefix = "certfn.observe")
public interface ObserveConfig {
    /**
     * {@code certfn.observe.requires-caller}: {@code /q/metrics}, {@code /q/health/ready} and
     * {@code /q/health} answer only a caller whose rule allows {@code observe} (they name every
     * certificate, its expiry and failing renewals, and the store's and CA's errors). On in the
     * cloud builds, off in the local one; {@code /healthz} and {@code /q/health/live} stay open.
     */
    @WithName("requires-caller")
    @WithDefault("false")
    boolean requiresCaller();
}
