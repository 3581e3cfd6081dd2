package io.certfn.acme;

import java.time.Instant;
import org.shredzone.acme4j.exception.AcmeServerException;

/** A CA's error answer (a 503 during maintenance, a 500) that said when to ask again. */
final class CaRetryAfterException extends AcmeServerException {

    private static final long serialVersionUID = 1L;
    private final Instant retryAfter;

    CaRetryAfterException(AcmeServerException answer, Instant retryAfter) {
        super(answer.getProblem());
        this.retryAfter = retryAfter;
        initCause(answer);
    }

    /** When the CA asked to be asked again. */
    Instant retryAfter() {
        return retryAfter;
    }
}
