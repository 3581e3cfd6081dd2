package io.certfn.certs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * {@code certfn.audit.*}: the audit log of served keys.
 */
@ConfigMapping(prefix = "certfn.audit")
public interface AuditConfig {
    /**
     * {@code certfn.audit.served-window}: every answer that carries a private key is counted; the
     * first per caller and certificate in a window is written at once, the repeats as one line
     * with their count when the window ends (a busy fleet asks thousands of times a minute).
     */
    @WithName("served-window")
    @WithDefault("60s")
    Duration servedWindow();
}
