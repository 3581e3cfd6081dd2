package io.certfn.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * {@code GET /healthz}: liveness without auth, {@code 204} with no body as le-cert-server answers
 * (docs/design.md §2). Readiness with named checks belongs to {@code /q/health}.
 */
@Path("/healthz")
public class HealthResource {

    @GET
    public void health() {
        // 204 No Content: the process serves.
    }
}
