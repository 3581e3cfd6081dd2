package io.certfn.auth.token;

/** Why a bearer token was rejected: the {@code reason} of a 401 {@code invalid_token} (docs/design.md §3). */
public enum Reason {
    MALFORMED,
    ALG_NOT_ALLOWED,
    ISSUER_NOT_TRUSTED,
    UNKNOWN_KEY,
    BAD_SIGNATURE,
    EXPIRED,
    NOT_YET_VALID,
    AUDIENCE_MISMATCH,
    MISSING_CLAIM,
    MISSING_SCOPE;

    /** The wire form, e.g. {@code audience_mismatch}. */
    public String wire() {
        return name().toLowerCase();
    }
}
