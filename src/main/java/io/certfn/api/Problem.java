package io.certfn.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/**
 * An RFC 9457 problem document with certfn's stable {@code code} and optional {@code reason}, plus
 * le-cert-server's members (docs/design.md §3): {@code message}, the same text as {@code detail}, and for a
 * bad request field {@code metadata: {"name": field}}. RFC 9457 allows such extension members.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Returned inside a Response, which a native build cannot see through: kept for Jackson explicitly.
@RegisterForReflection
public record Problem(String type, String title, int status, String code, String reason, String detail,
        String message, Map<String, String> metadata) {

    /** The media type of every error answer. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** A problem whose {@code message} repeats {@code detail}; {@code field} names the bad request field, if any. */
    public static Problem of(String title, int status, String code, String reason, String detail, String field) {
        return new Problem("about:blank", title, status, code, reason, detail, detail,
                field == null ? null : Map.of("name", field));
    }
}
