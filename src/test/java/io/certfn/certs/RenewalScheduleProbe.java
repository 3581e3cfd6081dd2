package io.certfn.certs;

import java.time.Instant;
import java.util.Optional;

/** The default renewal schedule (a third of the lifetime, emergency at a tenth), for tests of other rooms. */
public final class RenewalScheduleProbe {

    private static final RenewalSchedule DEFAULT = new RenewalSchedule(1.0 / 3, 0.1);

    private RenewalScheduleProbe() {
    }

    /** {@link RenewalSchedule#renewAfter} with the defaults. */
    public static Instant renewAfter(Instant notBefore, Instant notAfter, Optional<Instant> ariRenewAt) {
        return DEFAULT.renewAfter(notBefore, notAfter, ariRenewAt);
    }
}
