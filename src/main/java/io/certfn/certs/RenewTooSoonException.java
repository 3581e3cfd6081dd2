package io.certfn.certs;

import io.certfn.error.CertfnException;
import java.time.Duration;

/** {@code /renew} for a certificate that is not yet due: 429 {@code renew_too_soon}. */
public class RenewTooSoonException extends CertfnException {

    public RenewTooSoonException(String detail, Duration retryAfter) {
        super(429, "renew_too_soon", detail, null, retryAfter);
    }

    @Override
    public String title() {
        return "Renewal too soon";
    }
}
