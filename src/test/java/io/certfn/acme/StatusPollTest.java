package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.PollableResource;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeException;

class StatusPollTest {

    private final MutableClock clock = new MutableClock();
    private final List<Duration> pauses = new ArrayList<>();
    /** Waits by moving the test's clock, and records each wait. */
    private final io.certfn.time.Sleeper sleeper = pause -> {
        pauses.add(pause);
        clock.advance(pause);
    };

    /** A CA's resource that answers the given statuses in turn, each with an optional Retry-After. */
    private final class Scripted implements PollableResource {
        private final Deque<Status> answers;
        private final Duration retryAfter;
        private final List<Instant> fetches = new ArrayList<>();
        private Status status = Status.PENDING;

        Scripted(Duration retryAfter, Status... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
            this.retryAfter = retryAfter;
        }

        @Override
        public Status getStatus() {
            return status;
        }

        @Override
        public Optional<Instant> fetch() {
            fetches.add(clock.instant());
            status = answers.isEmpty() ? status : answers.poll();
            return retryAfter == null ? Optional.empty() : Optional.of(clock.instant().plus(retryAfter));
        }
    }

    private Status await(PollableResource resource, Duration timeout, Status... statuses) throws Exception {
        return StatusPoll.await(resource, EnumSet.copyOf(List.of(statuses)), timeout, clock, sleeper);
    }

    @Test
    void withoutRetryAfterPollsStartFiftyMillisecondsApartAndDouble() throws Exception {
        Scripted challenge = new Scripted(null, Status.PENDING, Status.PROCESSING, Status.PROCESSING, Status.VALID);
        assertEquals(Status.VALID, await(challenge, Duration.ofSeconds(10), Status.VALID, Status.INVALID));
        assertEquals(4, challenge.fetches.size());
        assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200)), pauses,
                "not acme4j's 3 s each");
    }

    @Test
    void aRetryAfterFromTheCaIsWaitedFor() throws Exception {
        Scripted order = new Scripted(Duration.ofMillis(400), Status.PROCESSING, Status.VALID);
        assertEquals(Status.VALID, await(order, Duration.ofSeconds(10), Status.VALID, Status.INVALID));
        assertEquals(List.of(Duration.ofMillis(400)), pauses, "the CA asked for 400 ms");
        assertEquals(Duration.ofMillis(400), Duration.between(order.fetches.get(0), order.fetches.get(1)));
    }

    @Test
    void anAlreadyFinalStatusNeedsNoPollAndInvalidEndsTheWait() throws Exception {
        Scripted done = new Scripted(null);
        done.status = Status.READY;
        assertEquals(Status.READY, await(done, Duration.ofSeconds(1), Status.READY, Status.VALID, Status.INVALID));
        assertEquals(0, done.fetches.size());
        Scripted failed = new Scripted(null, Status.INVALID);
        assertEquals(Status.INVALID, await(failed, Duration.ofSeconds(1), Status.VALID, Status.INVALID));
        assertEquals(List.of(), pauses);
    }

    @Test
    void theTimeoutEndsTheWaitWithTheLastStatusBeforeAPauseThatWouldPassIt() {
        Scripted stuck = new Scripted(null);
        AcmeException e = assertThrows(AcmeException.class, () -> await(stuck, Duration.ofMillis(300), Status.VALID, Status.INVALID));
        assertTrue(e.getMessage().contains("PENDING"), e.getMessage());
        assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100)), pauses, "50 + 100 + 200 would pass 300 ms");
        assertEquals(3, stuck.fetches.size());
    }

    @Test
    void theRealPollSleepsOnTheWallClock() throws Exception {
        Scripted challenge = new Scripted(null, Status.VALID);
        assertEquals(Status.VALID, StatusPoll.await(challenge, EnumSet.of(Status.VALID, Status.INVALID), Duration.ofSeconds(5)));
    }

    @Test
    void intervalsAreCappedAtAcme4jsDefault() {
        Instant now = Instant.now();
        assertEquals(Duration.ofMillis(50), StatusPoll.interval(0, Optional.empty(), now));
        assertEquals(Duration.ofMillis(1600), StatusPoll.interval(5, Optional.empty(), now));
        assertEquals(PollableResource.DEFAULT_RETRY_AFTER, StatusPoll.interval(40, Optional.empty(), now));
        assertEquals(Duration.ZERO, StatusPoll.interval(0, Optional.of(now.minusSeconds(1)), now));
    }
}
