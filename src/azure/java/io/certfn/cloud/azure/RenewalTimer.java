package io.certfn.cloud.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import io.certfn.auth.Caller;
import io.certfn.certs.RenewalSweep;
import io.certfn.config.CertfnConfig;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * The Azure Functions timer that renews everything due, twice a day. It runs inside the
 * function app, triggered by the Functions host, so no one outside can call it; it renews every
 * stored certificate (no policy applies to the app's own schedule).
 */
public class RenewalTimer {

    /** Who the audit log and the sweep's log line name for these renewals. */
    static final Caller TIMER = new Caller(Caller.Method.PLATFORM, "azure-functions", "renewal-timer", Map.of());

    @Inject
    RenewalSweep sweep;

    @Inject
    CertfnConfig config;

    @FunctionName("renewals")
    public void run(@TimerTrigger(name = "timer", schedule = "0 17 */12 * * *") String timerInfo, ExecutionContext context) {
        RenewalSweep.Report report = sweep.sweep(TIMER, (caller, names) -> true, config.renewal().sweepBudget());
        context.getLogger().info("certfn renewals: " + report);
    }
}
