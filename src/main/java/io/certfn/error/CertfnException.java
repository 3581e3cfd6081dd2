package io.certfn.error;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Root of every failure certfn reports to a caller. Each concern (api, auth, policy, acme, dns,
 * store, certs) has its own subclass; the API turns any of them into one problem+json answer
 * with {@link #status()}, the stable {@link #code()}, an optional {@link #reason()} and a
 * {@link #getMessage() detail} that must never contain secrets.
 */
public abstract class CertfnException extends RuntimeException {

    private final int status;
    private final String code;
    private final Duration retryAfter;

    protected CertfnException(int status, String code, String detail) {
        this(status, code, detail, null);
    }

    protected CertfnException(int status, String code, String detail, Throwable cause) {
        this(status, code, detail, cause, null);
    }

    /** With a known time the caller should wait before trying again. */
    protected CertfnException(int status, String code, String detail, Throwable cause, Duration retryAfter) {
        super(detail, cause);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status of the answer. */
    public int status() {
        return status;
    }

    /** The stable machine-readable code of docs/design.md §3. */
    public String code() {
        return code;
    }

    /** A finer reason for the code (e.g. {@code expired} for {@code invalid_token}), if any. */
    public Optional<String> reason() {
        return Optional.empty();
    }

    /** The request field that is wrong, if the failure is about one (le-cert-server's {@code metadata.name}). */
    public Optional<String> field() {
        return Optional.empty();
    }

    /** When the caller may try again, if known. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Extra response headers (e.g. {@code WWW-Authenticate}). */
    public Map<String, String> headers() {
        return Map.of();
    }

    /** A short human title for the code. */
    public String title() {
        return code.substring(0, 1).toUpperCase() + code.substring(1).replace('_', ' ');
    }
}
