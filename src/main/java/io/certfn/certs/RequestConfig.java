package io.certfn.certs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * {@code certfn.request.*}: how long a request for a certificate waits, and what it is told when it stops waiting.
 */
@ConfigMapping(prefix = "certfn.request")
public interface RequestConfig {
    /** {@code certfn.request.wait}: how long a request waits for a new certificate. */
    @WithName("wait")
    @WithDefault("90s")
    Duration waitBudget();

    /** {@code certfn.request.max-wait}: the most a client may ask for with {@code Prefer: wait}. */
    @WithName("max-wait")
    @WithDefault("200s")
    Duration maxWait();

    /** {@code certfn.request.retry-after}: the {@code Retry-After} of a 202 answer. */
    @WithName("retry-after")
    @WithDefault("5s")
    Duration retryAfter();
}
