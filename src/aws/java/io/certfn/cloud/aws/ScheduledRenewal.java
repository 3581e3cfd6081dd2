package io.certfn.cloud.aws;

import io.certfn.certs.RenewalConfig;import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.certfn.certs.RenewalSweep;
import io.certfn.certs.SweepThrottle;
import io.certfn.identity.Caller;
import io.quarkus.vertx.http.runtime.QuarkusHttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * The renewal schedule of the Lambda build (docs/design.md §4 key custody): EventBridge Scheduler invokes
 * the function directly with a plain event for {@code POST /aws/scheduled-renewal}, carrying no
 * identity, and the function renews every certificate that is due. Such an event can be written by
 * anyone allowed {@code lambda:InvokeFunction}, so this path only ever renews: it answers counts,
 * never a certificate or a key, and needs no policy rule — no rule grants {@code *} for it.
 *
 * <p>A request that came through the Function URL (Lambda puts the URL's domain in the event) is
 * answered 404: callers on the URL use {@code POST /api/renewals} with an identity the policy
 * lets renew. Only direct invocations reach this path.
 */
@Path("/aws/scheduled-renewal")
public class ScheduledRenewal {

    /** Who the sweep's log line and the audit name for these renewals. */
    static final Caller SCHEDULER = new Caller(Caller.Method.PLATFORM, "aws-lambda", "scheduled-renewal", Map.of());

    private final RenewalSweep sweep;
    private final SweepThrottle throttle;
    private final RenewalConfig config;

    public ScheduledRenewal(RenewalSweep sweep, SweepThrottle throttle, RenewalConfig config) {
        this.sweep = sweep;
        this.throttle = throttle;
        this.config = config;
    }

    @POST
    public Response renewEverythingDue(@Context HttpServerRequest request) {
        if (cameThroughFunctionUrl(request)) {
            throw new NotFoundException("POST /aws/scheduled-renewal is for the function's own schedule; use POST /api/renewals");
        }
        throttle.admit(SCHEDULER);
        RenewalSweep.Report report = sweep.sweep(SCHEDULER, (caller, names) -> true, config.sweepBudget());
        return Response.ok(report, MediaType.APPLICATION_JSON).build();
    }

    /** True when Lambda delivered this as a Function URL request: its event names the URL's domain. */
    static boolean cameThroughFunctionUrl(HttpServerRequest request) {
        if (request.headers() instanceof QuarkusHttpHeaders headers) {
            APIGatewayV2HTTPEvent.RequestContext context = headers.getContextObject(APIGatewayV2HTTPEvent.RequestContext.class);
            String domain = context == null ? null : context.getDomainName();
            return domain != null && domain.contains(".lambda-url.");
        }
        // Not a Lambda event at all (no such server runs this build otherwise): refuse.
        return true;
    }
}
