package io.certfn.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** An RFC 9457 problem document with certfn's stable {@code code} and optional {@code reason}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Returned inside a Response, which a native build cannot see through: kept for Jackson explicitly.
@RegisterForReflection
public record Problem(String type, String title, int status, String code, String reason, String detail) {

    /** The media type of every error answer. */
    public static final String MEDIA_TYPE = "application/problem+json";
}
