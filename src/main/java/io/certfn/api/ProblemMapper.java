package io.certfn.api;

import io.certfn.error.CertfnException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.time.Duration;
import org.jboss.logging.Logger;

/** The one place a {@link CertfnException} becomes a problem+json answer. */
@Provider
public class ProblemMapper implements ExceptionMapper<CertfnException> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @Override
    public Response toResponse(CertfnException e) {
        return response(e);
    }

    /** The problem+json answer for {@code e}, for the places that answer without throwing. */
    static Response response(CertfnException e) {
        if (e.status() >= 500) {
            LOG.warnf("%d %s: %s", e.status(), e.code(), e.getMessage());
        } else {
            LOG.debugf("%d %s: %s", e.status(), e.code(), e.getMessage());
        }
        Response.ResponseBuilder response = Response.status(e.status())
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(e.title(), e.status(), e.code(), e.reason().orElse(null), e.getMessage(), e.field().orElse(null)));
        e.retryAfter().ifPresent(d -> response.header("Retry-After", seconds(d)));
        e.headers().forEach(response::header);
        return response.build();
    }

    /** Whole seconds, rounded up, at least 1: a client must not retry at once. */
    static long seconds(Duration d) {
        long s = (d.toMillis() + 999) / 1000;
        return Math.max(1, s);
    }
}
