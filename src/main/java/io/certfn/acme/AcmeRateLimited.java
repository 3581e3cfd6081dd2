package io.certfn.acme;

import java.time.Instant;

/** The CA rate-limited us: 429 {@code acme_rate_limited}, with the CA's Retry-After if given. */
public class AcmeRateLimited extends AcmeFailure {

    public AcmeRateLimited(String detail, Instant retryAt, Throwable cause) {
        super(429, "acme_rate_limited", detail, cause, retryAt);
    }

    @Override
    public boolean tryAnotherCa() {
        return true;
    }

    @Override
    public String title() {
        return "Rate limited by the certificate authority";
    }
}
