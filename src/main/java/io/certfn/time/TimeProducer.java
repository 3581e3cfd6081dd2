package io.certfn.time;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The clock every room that decides by time reads (renewal timing, backoff, leases, quotas):
 * time is an input, so a test moves a clock instead of sleeping. UTC system time by default.
 */
@Singleton
public class TimeProducer {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    @DefaultBean
    Sleeper sleeper() {
        return Sleeper.system();
    }
}
