package io.certfn.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * {@code certfn.lease.*}: the per-certificate lease in the store that makes one instance the one that orders.
 */
@ConfigMapping(prefix = "certfn.lease")
public interface LeaseConfig {
    /** {@code certfn.lease.duration}: how long a lease lives unless its holder renews it. */
    @WithDefault("60s")
    Duration duration();

    /** {@code certfn.lease.max-wait}: how long an instance waits for another's lease. */
    @WithName("max-wait")
    @WithDefault("10m")
    Duration maxWait();
}
