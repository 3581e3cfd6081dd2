package io.certfn.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * {@code certfn.health.*}: the readiness checks.
 */
@ConfigMapping(prefix = "certfn.health")
public interface HealthConfig {
    /**
     * {@code certfn.health.recheck-after}: how long the readiness checks that ask another
     * service (the CA's directory, the DNS provider, the token issuers' keys) reuse their last
     * result: probes come every few seconds, and those services have their own limits.
     */
    @WithName("recheck-after")
    @WithDefault("30s")
    Duration recheckAfter();
}
