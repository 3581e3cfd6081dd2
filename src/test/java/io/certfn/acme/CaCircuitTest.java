package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.testing.MutableClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The circuit breaker with time as an input: opens after N failed orders in a row, for a while or the CA's Retry-After. */
class CaCircuitTest {

    private final MutableClock clock = new MutableClock();

    @Test
    void opensAfterTheFailuresInARowAndClosesWhenTheTimeIsUpOrAnOrderIsServed() {
        CaCircuit circuit = new CaCircuit(3, Duration.ofMinutes(5), clock);
        circuit.failed(null);
        circuit.failed(null);
        assertFalse(circuit.open(), "two in a row: still asked first");
        circuit.served();
        circuit.failed(null);
        circuit.failed(null);
        assertFalse(circuit.open(), "a served order started the count over");
        circuit.failed(null);
        assertTrue(circuit.open());
        assertEquals(Optional.of(clock.instant().plus(Duration.ofMinutes(5))), circuit.openUntil());
        clock.advance(Duration.ofMinutes(5));
        assertFalse(circuit.open(), "asked first again after open-for");
        circuit.failed(null);
        assertTrue(circuit.open(), "still failing in a row: open again at the next failure");
        circuit.served();
        assertFalse(circuit.open());
        assertEquals(0, circuit.failuresInARow());
    }

    @Test
    void aLaterRetryAfterKeepsItOpenLongerAndZeroNeverOpens() {
        CaCircuit circuit = new CaCircuit(1, Duration.ofMinutes(5), clock);
        circuit.failed(clock.instant().plus(Duration.ofHours(2)));
        clock.advance(Duration.ofHours(1));
        assertTrue(circuit.open(), "the CA asked for 2 hours");
        CaCircuit off = new CaCircuit(0, Duration.ofMinutes(5), clock);
        for (int i = 0; i < 100; i++) {
            off.failed(null);
        }
        assertFalse(off.open());
    }
}
