package io.certfn.certs;

import io.certfn.error.InvalidRequestException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The RFC 5280 revocation reasons a subscriber may give (the ones Let's Encrypt accepts, CA
 * Browser Forum BR §4.9.1.1), by the names RFC 5280 spells them.
 */
public enum RevocationReason {
    UNSPECIFIED("unspecified", 0),
    KEY_COMPROMISE("keyCompromise", 1),
    AFFILIATION_CHANGED("affiliationChanged", 3),
    SUPERSEDED("superseded", 4),
    CESSATION_OF_OPERATION("cessationOfOperation", 5);

    private final String wireName;
    private final int code;

    RevocationReason(String wireName, int code) {
        this.wireName = wireName;
        this.code = code;
    }

    /** The RFC 5280 name, e.g. {@code keyCompromise}. */
    public String wireName() {
        return wireName;
    }

    /** The CRLReason code (RFC 5280 §5.3.1). */
    public int code() {
        return code;
    }

    /**
     * The reason named {@code value} (case-insensitively); {@code unspecified} when absent.
     *
     * @throws InvalidRequestException naming the field and the accepted reasons
     */
    public static RevocationReason parse(String value) {
        if (value == null || value.isBlank()) {
            return UNSPECIFIED;
        }
        for (RevocationReason reason : values()) {
            if (reason.wireName.equalsIgnoreCase(value.strip())) {
                return reason;
            }
        }
        throw InvalidRequestException.invalidField("reason", "Field 'reason' must be one of "
                + Arrays.stream(values()).map(RevocationReason::wireName).collect(Collectors.joining(", "))
                + " (RFC 5280 names a subscriber may give), not '" + value + "'.");
    }
}
