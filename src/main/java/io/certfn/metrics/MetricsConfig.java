package io.certfn.metrics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * {@code certfn.metrics.*}: what {@code /q/metrics} shows.
 */
@ConfigMapping(prefix = "certfn.metrics")
public interface MetricsConfig {
    /**
     * {@code certfn.metrics.certificate-gauges}: at most this many certificates get their own
     * expiry gauges (labels {@code certificate} and {@code name}: seconds to expiry, seconds to
     * renewal, share of the lifetime left); those this
     * instance sees beyond it are counted in {@code certfn_certificates_untracked}.
     */
    @WithName("certificate-gauges")
    @WithDefault("1000")
    int certificateGauges();
}
