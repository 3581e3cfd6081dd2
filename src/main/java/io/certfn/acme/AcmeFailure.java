package io.certfn.acme;

import io.certfn.error.CertfnException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The CA refused or failed, or could not be reached: 502 {@code acme_error}, with the CA's Retry-After if it gave one. */
public class AcmeFailure extends CertfnException {

    private final Instant retryAt;
    private boolean caUnavailable;

    public AcmeFailure(String detail) {
        this(502, "acme_error", detail, null, null);
    }

    public AcmeFailure(String detail, Throwable cause) {
        this(502, "acme_error", detail, cause, null);
    }

    /** The CA failed and said when to ask again ({@code retryAt}, null when it did not). */
    public AcmeFailure(String detail, Throwable cause, Instant retryAt) {
        this(502, "acme_error", detail, cause, retryAt);
    }

    protected AcmeFailure(int status, String code, String detail, Throwable cause) {
        this(status, code, detail, cause, null);
    }

    protected AcmeFailure(int status, String code, String detail, Throwable cause, Instant retryAt) {
        super(status, code, detail, cause);
        this.retryAt = retryAt;
    }

    /** A failure of the CA itself (unreachable, 5xx, {@code serverInternal}): another CA may serve meanwhile. */
    static AcmeFailure caUnavailable(String detail, Throwable cause, Instant retryAt) {
        AcmeFailure failure = new AcmeFailure(detail, cause, retryAt);
        failure.caUnavailable = true;
        return failure;
    }

    /**
     * Whether the next configured CA should be asked instead: this one could not be reached,
     * failed (5xx) or rate-limited certfn's account — not a refusal of the request itself.
     */
    public boolean tryAnotherCa() {
        return caUnavailable;
    }

    /** When the CA asked to be asked again (null: it did not say). */
    Instant retryAt() {
        return retryAt;
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
        return "Certificate authority error";
    }
}
