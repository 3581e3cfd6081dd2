package io.certfn.api;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Refuses bodies whose {@code Content-Length} is over {@link RequestBody#MAX_BYTES} before they
 * are read, with the same problem+json as {@link RequestBody} gives for streamed bodies. Without
 * it, Vert.x' own outer limit would answer an empty 413 that names nothing.
 */
@Singleton
public class BodyLimitFilter {

    private static final String DETAIL = "The request body is larger than " + RequestBody.MAX_BYTES + " bytes.";
    private static final String BODY = "{\"type\":\"about:blank\",\"title\":\"Body too large\",\"status\":413,"
            + "\"code\":\"body_too_large\",\"detail\":\"" + DETAIL + "\",\"message\":\"" + DETAIL + "\"}";

    void register(@Observes Filters filters) {
        filters.register(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && isOver(length)) {
                ctx.response().setStatusCode(413)
                        .putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close")
                        .end(BODY);
                return;
            }
            ctx.next();
        }, 1000);
    }

    private static boolean isOver(String length) {
        try {
            return Long.parseLong(length.strip()) > RequestBody.MAX_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
