package io.certfn.acme;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One CA's circuit breaker: after {@code failures} orders in a row that the CA could not serve
 * (unreachable, 5xx: {@link AcmeFailure#tryAnotherCa()}, not a rate limit of certfn's account), the
 * CA is asked last for {@code openFor} (or until its Retry-After, when later), so a second CA serves
 * at once instead of after the first one's time-outs and retries. One served order closes it.
 * Per instance: each instance learns of an outage from its own orders.
 */
final class CaCircuit {

    private final int failures;
    private final Duration openFor;
    private final Clock clock;
    private int inARow;
    private Instant openUntil = Instant.MIN;

    /** @param failures orders in a row before the circuit opens; 0 never opens it */
    CaCircuit(int failures, Duration openFor, Clock clock) {
        this.failures = failures;
        this.openFor = openFor;
        this.clock = clock;
    }

    /** Whether the CA is to be asked only when no other can serve. */
    synchronized boolean open() {
        return clock.instant().isBefore(openUntil);
    }

    /** Until when it is open; empty while closed. */
    synchronized Optional<Instant> openUntil() {
        return open() ? Optional.of(openUntil) : Optional.empty();
    }

    synchronized int failuresInARow() {
        return inARow;
    }

    /** An order the CA could not serve; {@code retryAt}: when it asked to be asked again (null: it did not say). */
    synchronized void failed(Instant retryAt) {
        inARow++;
        if (failures > 0 && inARow >= failures) {
            Instant until = clock.instant().plus(openFor);
            openUntil = retryAt != null && retryAt.isAfter(until) ? retryAt : until;
        }
    }

    /** An order the CA served: closed again, the count starts over. */
    synchronized void served() {
        inARow = 0;
        openUntil = Instant.MIN;
    }
}
