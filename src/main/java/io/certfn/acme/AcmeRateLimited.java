package io.certfn.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The CA rate-limited us: 429 {@code acme_rate_limited}, with the CA's Retry-After if given. */
public class AcmeRateLimited extends AcmeFailure {

    private final Instant retryAt;

    public AcmeRateLimited(String detail, Instant retryAt, Throwable cause) {
        super(429, "acme_rate_limited", detail, cause);
        this.retryAt = retryAt;
    }

    @Override
    public Optional<Duration> retryAfter() {
        if (retryAt == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(Instant.now(), retryAt);
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    @Override
    public String title() {
        return "Rate limited by the certificate authority";
    }
}
