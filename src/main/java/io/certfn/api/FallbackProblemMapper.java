package io.certfn.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Everything not already a certfn failure: framework errors keep their status (404, 405, 415)
 * as problem+json; anything else is {@code 500 internal}, logged with its stack trace under an id
 * that the answer carries, and never shown to the caller.
 */
@Provider
public class FallbackProblemMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(FallbackProblemMapper.class);
    /** Stable codes for the framework's answers: never derived from a reason phrase, which may change. */
    private static final java.util.Map<Integer, String> CODES = java.util.Map.of(
            400, "bad_request", 404, "not_found", 405, "method_not_allowed", 406, "not_acceptable",
            411, "length_required", 415, "unsupported_media_type");

    @Override
    public Response toResponse(Throwable e) {
        if (e instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            int status = web.getResponse().getStatus();
            String title = web.getResponse().getStatusInfo().getReasonPhrase();
            String code = CODES.getOrDefault(status, "http_" + status);
            return Response.status(status).type(Problem.MEDIA_TYPE)
                    .entity(Problem.of(title, status, code, null, e.getMessage(), null)).build();
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "Internal error %s", incident);
        return Response.status(500).type(Problem.MEDIA_TYPE)
                .entity(Problem.of("Internal error", 500, "internal", null,
                        "An unexpected error occurred; the server log has the details under incident " + incident + ".", null))
                .build();
    }
}
