package io.certfn.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A check of another service whose result is reused for {@code certfn.health.recheck-after}:
 * an orchestrator probes every few seconds, and the CA, the DNS API and the token issuers must
 * not be asked that often on its behalf.
 */
final class RecheckedProbe {

    private record Result(Map<String, String> problems, Instant at) {
    }

    private final Supplier<Map<String, String>> check;
    private final Duration reuse;
    private volatile Result last;

    RecheckedProbe(Supplier<Map<String, String>> check, Duration reuse) {
        this.check = check;
        this.reuse = reuse;
    }

    /** What failed, by component (empty: all well), from the last check if it is recent enough. */
    synchronized Map<String, String> problems() {
        Result current = last;
        Instant now = Instant.now();
        if (current == null || !now.isBefore(current.at().plus(reuse))) {
            Map<String, String> problems;
            try {
                problems = Map.copyOf(check.get());
            } catch (RuntimeException e) {
                problems = Map.of("error", String.valueOf(e.getMessage()));
            }
            current = last = new Result(problems, now);
        }
        return current.problems();
    }
}
