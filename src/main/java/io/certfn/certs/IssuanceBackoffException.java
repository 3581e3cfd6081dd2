package io.certfn.certs;

import io.certfn.error.CertfnException;
import java.time.Duration;

/**
 * The last order for a certificate failed recently and no instance orders it again before the
 * backoff ends (docs/design.md §3): 429 {@code issuance_backoff} with {@code Retry-After}, repeating the
 * last failure, without contacting the CA.
 */
public class IssuanceBackoffException extends CertfnException {

    public IssuanceBackoffException(String detail, Duration retryAfter) {
        super(429, "issuance_backoff", detail, null, retryAfter);
    }

    @Override
    public String title() {
        return "Issuance backing off";
    }
}
