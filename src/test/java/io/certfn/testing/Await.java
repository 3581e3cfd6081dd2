package io.certfn.testing;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The one polling loop of the tests and the bench: look again until a condition holds or a time
 * is up. A look that throws {@link IOException} (a server not listening yet) counts as "not yet";
 * anything else it throws (an assertion made while waiting, a process that exited) ends the wait
 * (a checked exception wrapped in {@link IllegalStateException}).
 * At the deadline it fails naming what was awaited and, if given, the state to look at (a log).
 */
public final class Await {

    /** A look at the world; true once it is as awaited. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private final Duration timeout;
    private final Duration pause;

    private Await(Duration timeout, Duration pause) {
        this.timeout = timeout;
        this.pause = pause;
    }

    /** Waits at most {@code timeout}, looking every 20 ms. */
    public static Await atMost(Duration timeout) {
        return new Await(timeout, Duration.ofMillis(20));
    }

    /** The same wait, looking every {@code pause} (a measurement looks often; a slow server less). */
    public Await every(Duration pause) {
        return new Await(timeout, pause);
    }

    /** Returns once {@code condition} holds; throws {@link AssertionError} naming {@code what} at the deadline. */
    public void until(String what, Condition condition) throws InterruptedException {
        until(what, condition, () -> "");
    }

    /** {@link #until(String, Condition)}, with {@code context} (a process's log) in the failure. */
    public void until(String what, Condition condition, Supplier<String> context) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet: look again
            } catch (RuntimeException | InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("while waiting for " + what, e);
            }
            if (Instant.now().isAfter(deadline)) {
                String more = context.get();
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what + (more.isEmpty() ? "" : "\n" + more));
            }
            Thread.sleep(pause.toMillis());
        }
    }
}
