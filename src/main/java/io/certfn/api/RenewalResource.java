package io.certfn.api;

import io.certfn.certs.RenewalSweep;
import io.certfn.config.CertfnConfig;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code POST /api/renewals}: the one entry point every platform's scheduler calls to renew
 * everything due. Any authenticated caller may call it; it renews only the certificates the
 * policy grants that caller (a scheduler identity with {@code domains: ["*"]} renews all).
 */
@Path("/api/renewals")
@Produces(MediaType.APPLICATION_JSON)
public class RenewalResource {

    private final RenewalSweep sweep;
    private final Admission admission;
    private final CertfnConfig.Renewal config;

    public RenewalResource(RenewalSweep sweep, Admission admission, CertfnConfig config) {
        this.sweep = sweep;
        this.admission = admission;
        this.config = config.renewal();
    }

    @POST
    public RenewalSweep.Report renewDue(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context HttpServerRequest request) {
        var caller = admission.authenticate(authorization, request, List.of("(renewal sweep)"));
        return sweep.sweep(caller, admission::allows, config.sweepBudget());
    }
}
