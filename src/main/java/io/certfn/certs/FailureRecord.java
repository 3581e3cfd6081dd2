package io.certfn.certs;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Duration;
import java.time.Instant;

/**
 * The last failed orders of one set of names (whatever the key type, profile or CSR key), kept in the store ({@code
 * failures/<hash of the names>.json}) so every instance backs off together: how many in a row, the last
 * one's code and detail, when ordering may be tried again, and since when they fail ({@code since};
 * absent in records written before 2026-12-07: the last failure's time stands for it). A success deletes it; so may an
 * operator, to try again at once.
 */
// Read and written as JSON in the store: kept for Jackson in a native image explicitly.
@RegisterForReflection
public record FailureRecord(int count, String code, String detail, Instant failedAt, Instant notBefore, Instant since) {

    /** The longest wait between two orders of one certificate. */
    static final Duration MAX_BACKOFF = Duration.ofHours(6);

    /**
     * The record after one more failure at {@code now}: the wait is {@code first}, doubled for each
     * failure in a row before, at most {@link #MAX_BACKOFF}, and never shorter than the CA's own
     * {@code Retry-After}.
     */
    static FailureRecord after(FailureRecord previous, String code, String detail, Instant now, Duration first,
            java.util.Optional<Duration> caRetryAfter) {
        int count = previous == null ? 1 : previous.count() + 1;
        Duration wait = first.multipliedBy(1L << Math.min(count - 1, 20));
        if (wait.compareTo(MAX_BACKOFF) > 0) {
            wait = MAX_BACKOFF;
        }
        if (caRetryAfter.isPresent() && caRetryAfter.get().compareTo(wait) > 0) {
            wait = caRetryAfter.get();
        }
        Instant since = previous == null ? now : previous.failingSince();
        return new FailureRecord(count, code, detail, now, now.plus(wait), since);
    }

    /** When the first failure of this row was. */
    Instant failingSince() {
        return since != null ? since : failedAt;
    }

    /** Whether ordering must still wait at {@code now}. */
    boolean active(Instant now) {
        return now.isBefore(notBefore);
    }
}
