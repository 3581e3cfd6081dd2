package io.certfn.cloud.azure;

import io.certfn.certs.RenewalConfig;import io.certfn.identity.Caller;
import io.certfn.certs.RenewalSweep;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * What an Azure Functions timer does, in either Azure build (the Java worker's function or the
 * custom handler's endpoint): renew every stored certificate that is due. The timer is the app's
 * own schedule, fired by the Functions host that no one outside can reach, so no policy applies.
 */
@Singleton
public class TimerRenewal {

    /** Who the audit log and the sweep's log line name for these renewals. */
    static final Caller TIMER = new Caller(Caller.Method.PLATFORM, "azure-functions", "renewal-timer", Map.of());

    private final RenewalSweep sweep;
    private final RenewalConfig config;

    public TimerRenewal(RenewalSweep sweep, RenewalConfig config) {
        this.sweep = sweep;
        this.config = config;
    }

    public RenewalSweep.Report renewEverythingDue() {
        return sweep.sweep(TIMER, (caller, names) -> true, config.sweepBudget());
    }
}
