package io.certfn.cloud.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import jakarta.inject.Inject;

/** The Java worker's timer function: {@link TimerRenewal} twice a day. */
public class RenewalTimer {

    @Inject
    TimerRenewal renewal;

    @FunctionName("renewals")
    public void run(@TimerTrigger(name = "timer", schedule = "0 17 */12 * * *") String timerInfo, ExecutionContext context) {
        context.getLogger().info("certfn renewals: " + renewal.renewEverythingDue());
    }
}
