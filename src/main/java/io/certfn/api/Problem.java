package io.certfn.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem document with certfn's stable {@code code} and optional {@code reason}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String code, String reason, String detail) {

    /** The media type of every error answer. */
    public static final String MEDIA_TYPE = "application/problem+json";
}
