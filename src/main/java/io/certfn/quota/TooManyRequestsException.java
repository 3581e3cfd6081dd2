package io.certfn.quota;

import io.certfn.error.CertfnException;
import java.time.Duration;

/** A caller reached one of the {@code certfn.limits.*}: 429 {@code too_many_requests}, the detail naming the limit. */
public class TooManyRequestsException extends CertfnException {

    public TooManyRequestsException(String detail, Duration retryAfter) {
        super(429, "too_many_requests", detail, null, retryAfter);
    }

    @Override
    public String title() {
        return "Too many requests";
    }
}
