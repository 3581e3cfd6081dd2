package io.certfn.api;

import io.certfn.certs.RenewalConfig;import io.certfn.identity.Caller;
import io.certfn.certs.AuditLog;
import io.certfn.certs.RenewalSweep;
import io.certfn.certs.SweepThrottle;
import io.certfn.policy.DomainNotAllowedException;
import io.certfn.policy.PolicyService;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * {@code POST /api/renewals}: the one entry point every platform's scheduler calls to renew
 * everything due. The caller needs a rule that grants renewals ({@code actions: [renew]}, or a full
 * grant); the sweep renews and reports only the certificates those rules grant, hands out no key,
 * and one caller may start it at most once per {@code certfn.renewal.sweep-interval} per instance.
 */
@Path("/api/renewals")
public class RenewalResource {

    private static final List<String> SWEEP = List.of("(renewal sweep)");

    private final RenewalSweep sweep;
    private final Admission admission;
    private final PolicyService policy;
    private final SweepThrottle throttle;
    private final RenewalConfig config;

    public RenewalResource(RenewalSweep sweep, Admission admission, PolicyService policy, SweepThrottle throttle, RenewalConfig config) {
        this.sweep = sweep;
        this.admission = admission;
        this.policy = policy;
        this.throttle = throttle;
        this.config = config;
    }

    @POST
    public Response renewDue(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context HttpServerRequest request) {
        Caller caller = admission.authenticate(authorization, request, SWEEP);
        if (!policy.mayRenew(caller)) {
            DomainNotAllowedException denied = new DomainNotAllowedException("The caller " + caller.describe()
                    + " may not run the renewal sweep: no policy rule of it grants renewals (give its scheduler identity a rule"
                    + " with actions: [renew]).");
            AuditLog.denied(caller, SWEEP, denied.code());
            throw denied;
        }
        throttle.admit(caller);
        RenewalSweep.Report report = sweep.sweep(caller, (c, names) -> {
            try {
                policy.checkRenewal(c, names);
                return true;
            } catch (DomainNotAllowedException e) {
                return false;
            }
        }, config.sweepBudget());
        return Response.ok(report, MediaType.APPLICATION_JSON).build();
    }
}
