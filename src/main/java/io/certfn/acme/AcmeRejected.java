package io.certfn.acme;

import java.util.Optional;

/**
 * The CA refused for a reason that asking again will not fix (docs/design.md §3): 422 {@code
 * acme_rejected} with the ACME problem type as {@code reason} ({@code caa}, {@code
 * rejectedIdentifier}, {@code unauthorized}, {@code badCSR}, ...) and a detail saying what to change.
 */
public class AcmeRejected extends AcmeFailure {

    private final String reason;

    public AcmeRejected(String reason, String detail, Throwable cause) {
        super(422, "acme_rejected", detail, cause);
        this.reason = reason;
    }

    @Override
    public Optional<String> reason() {
        return Optional.of(reason);
    }

    @Override
    public String title() {
        return "Refused by the certificate authority";
    }
}
