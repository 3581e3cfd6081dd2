package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** A CA's resource that answers the given statuses in turn, each with an optional Retry-After. */
    private static final class Scripted implements PollableResource {
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
            fetches.add(Instant.now());
            status = answers.isEmpty() ? status : answers.poll();
            return retryAfter == null ? Optional.empty() : Optional.of(Instant.now().plus(retryAfter));
        }
    }

    @Test
    void withoutRetryAfterPollsStartFiftyMillisecondsApartAndDouble() throws Exception {
        Scripted challenge = new Scripted(null, Status.PENDING, Status.PROCESSING, Status.PROCESSING, Status.VALID);
        Instant start = Instant.now();
        assertEquals(Status.VALID, StatusPoll.await(challenge, EnumSet.of(Status.VALID, Status.INVALID), Duration.ofSeconds(10)));
        assertEquals(4, challenge.fetches.size());
        long took = Duration.between(start, Instant.now()).toMillis();
        assertTrue(took >= 330 && took < 2000, "about 50 + 100 + 200 ms of waits, not acme4j's 3 s each: " + took);
    }

    @Test
    void aRetryAfterFromTheCaIsWaitedFor() throws Exception {
        Scripted order = new Scripted(Duration.ofMillis(400), Status.PROCESSING, Status.VALID);
        assertEquals(Status.VALID, StatusPoll.await(order, EnumSet.of(Status.VALID, Status.INVALID), Duration.ofSeconds(10)));
        assertTrue(Duration.between(order.fetches.get(0), order.fetches.get(1)).toMillis() >= 390, "the CA asked for 400 ms");
    }

    @Test
    void anAlreadyFinalStatusNeedsNoPollAndInvalidEndsTheWait() throws Exception {
        Scripted done = new Scripted(null);
        done.status = Status.READY;
        assertEquals(Status.READY, StatusPoll.await(done, EnumSet.of(Status.READY, Status.VALID, Status.INVALID), Duration.ofSeconds(1)));
        assertEquals(0, done.fetches.size());
        Scripted failed = new Scripted(null, Status.INVALID);
        assertEquals(Status.INVALID, StatusPoll.await(failed, EnumSet.of(Status.VALID, Status.INVALID), Duration.ofSeconds(1)));
    }

    @Test
    void theTimeoutEndsTheWaitWithTheLastStatus() {
        Scripted stuck = new Scripted(null);
        AcmeException e = assertThrows(AcmeException.class,
                () -> StatusPoll.await(stuck, EnumSet.of(Status.VALID, Status.INVALID), Duration.ofMillis(300)));
        assertTrue(e.getMessage().contains("PENDING"), e.getMessage());
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
