package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.certfn.quota.LimitsConfig;
import io.certfn.testing.TestConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How many renewals a sweep runs at once: certfn.renewal.concurrency, never above what one caller may order at once. */
class SweepConcurrencyTest {

    private static int concurrency(Map<String, String> properties) {
        return RenewalSweep.concurrency(TestConfig.of(RenewalConfig.class, properties), TestConfig.of(LimitsConfig.class, properties));
    }

    @Test
    void theSettingHoldsUpToTheCallersOrderLimitAndIsLoweredAboveIt() {
        assertEquals(4, concurrency(Map.of()), "the defaults: 4, below 10 orders per caller");
        assertEquals(8, concurrency(Map.of("certfn.renewal.concurrency", "8")));
        assertEquals(10, concurrency(Map.of("certfn.renewal.concurrency", "50")), "lowered to certfn.limits.orders-per-caller");
        assertEquals(3, concurrency(Map.of("certfn.renewal.concurrency", "5", "certfn.limits.orders-per-caller", "3")));
        assertEquals(1, concurrency(Map.of("certfn.renewal.concurrency", "0")), "at least one");
    }
}
