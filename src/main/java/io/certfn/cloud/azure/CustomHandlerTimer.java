package io.certfn.cloud.azure;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.certfn.certs.RenewalSweep;
import io.quarkus.arc.properties.IfBuildProperty;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The {@code renewals} timer of the native Azure build. The Functions host runs certfn as a custom
 * handler and invokes a non-HTTP function by POSTing its invocation payload to {@code /<function
 * name>} on the handler's port; this answers with the custom handler response payload. The HTTP
 * functions (deploy-azure/custom-handler) route only {@code api/*} and {@code healthz}, so no
 * outside request is forwarded here; on top of that, it answers only when certfn runs as a
 * custom handler ({@code FUNCTIONS_CUSTOMHANDLER_PORT} set) and only to a loopback peer.
 */
@Path("/renewals")
@IfBuildProperty(name = "certfn-build.azure-custom-handler", stringValue = "true", enableIfMissing = true)
public class CustomHandlerTimer {

    private static final Logger LOG = Logger.getLogger(CustomHandlerTimer.class);

    /** The custom handler response payload (its field names are the host's). */
    public record InvocationResult(@JsonProperty("Outputs") Map<String, Object> outputs,
            @JsonProperty("Logs") List<String> logs, @JsonProperty("ReturnValue") RenewalSweep.Report returnValue) {
    }

    private final TimerRenewal renewal;
    private final boolean underFunctionsHost;

    public CustomHandlerTimer(TimerRenewal renewal) {
        this.renewal = renewal;
        this.underFunctionsHost = System.getenv("FUNCTIONS_CUSTOMHANDLER_PORT") != null;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public InvocationResult invoke(@Context HttpServerRequest request) {
        if (!underFunctionsHost || !fromLoopback(request)) {
            throw new NotFoundException("/renewals is the Azure Functions host's timer entry and exists only for it "
                    + "(certfn runs as a custom handler, called from this machine); schedulers call POST /api/renewals.");
        }
        RenewalSweep.Report report = renewal.renewEverythingDue();
        LOG.infof("certfn renewals (Azure timer): %s", report);
        return new InvocationResult(Map.of(), List.of("certfn renewals: " + report), report);
    }

    private static boolean fromLoopback(HttpServerRequest request) {
        return Optional.ofNullable(request.remoteAddress()).map(address -> {
            try {
                return InetAddress.getByName(address.hostAddress()).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }).orElse(false);
    }
}
