package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.testing.MutableClock;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.toolbox.JSON;

/** What a CA's answers mean for the next step, and how the CA is asked again: time moved, never slept. */
class CaProblemsTest {

    private static Problem problem(String type, int status, String detail) {
        try {
            return new Problem(JSON.parse("{\"type\":\"urn:ietf:params:acme:error:" + type + "\",\"status\":" + status
                    + ",\"detail\":\"" + detail + "\"}"), new URL("https://ca.example/acme/"));
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void serverFailuresAndDroppedConnectionsAreTransientRefusalsAreNot() throws Exception {
        assertTrue(CaProblems.isTransient(new AcmeServerException(problem("serverInternal", 500, "oops"))));
        assertTrue(CaProblems.isTransient(new AcmeServerException(problem("malformed", 503, "maintenance"))));
        assertTrue(CaProblems.isTransient(new AcmeNetworkException(new IOException("reset"))));
        assertFalse(CaProblems.isTransient(new AcmeServerException(problem("rejectedIdentifier", 400, "no"))));
        assertFalse(CaProblems.isTransient(new AcmeException("local")));
    }

    @Test
    void aGoneOrDeactivatedAccountIsRecognised() throws Exception {
        assertTrue(CaProblems.accountGone(problem("accountDoesNotExist", 400, "no such account")));
        assertTrue(CaProblems.accountGone(problem("unauthorized", 403, "Account is deactivated")));
        assertFalse(CaProblems.accountGone(problem("unauthorized", 403, "not allowed to issue for this name")));
    }

    @Test
    void aRefusedReplacesIsRecognisedAsRfc9773AndCasSayIt() throws Exception {
        assertTrue(CaProblems.refusesReplaces(problem("alreadyReplaced", 409, "already replaced")));
        assertTrue(CaProblems.refusesReplaces(problem("conflict", 409, "x")));
        assertTrue(CaProblems.refusesReplaces(problem("malformed", 400, "cannot replace a certificate of another account")));
        assertFalse(CaProblems.refusesReplaces(problem("malformed", 400, "bad JWS")));
    }

    private final MutableClock clock = new MutableClock();
    private final List<Duration> slept = new ArrayList<>();
    private final CaRetry retry = new CaRetry(clock, pause -> {
        slept.add(pause);
        clock.advance(pause);
    });

    @Test
    void aTransientFailureIsAskedAgainOneThenTwoSecondsLater() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String answer = retry.run("creating the order", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new AcmeServerException(problem("serverInternal", 500, "busy"));
            }
            return "created";
        });
        assertEquals("created", answer);
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), slept);
    }

    @Test
    void aRefusalIsNeverAskedTwiceAndTheLastFailureIsThrown() throws Exception {
        AcmeServerException refused = new AcmeServerException(problem("rejectedIdentifier", 400, "no"));
        AtomicInteger calls = new AtomicInteger();
        assertSame(refused, assertThrows(AcmeServerException.class, () -> retry.run("x", () -> {
            calls.incrementAndGet();
            throw refused;
        })));
        assertEquals(1, calls.get());
        AtomicInteger failing = new AtomicInteger();
        assertThrows(AcmeServerException.class, () -> retry.run("x", () -> {
            failing.incrementAndGet();
            throw new AcmeServerException(problem("serverInternal", 500, "down"));
        }));
        assertEquals(CaRetry.TRIES, failing.get(), "at most three tries");
    }

    @Test
    void theCasRetryAfterIsWaitedWithinHalfAMinuteElseHandedOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        retry.run("x", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new CaRetryAfterException(new AcmeServerException(problem("serverInternal", 503, "x")), clock.instant().plusSeconds(10));
            }
            return null;
        });
        assertEquals(List.of(Duration.ofSeconds(10)), slept);
        CaRetryAfterException later = new CaRetryAfterException(new AcmeServerException(problem("serverInternal", 503, "x")),
                clock.instant().plusSeconds(31));
        assertSame(later, assertThrows(CaRetryAfterException.class, () -> retry.run("x", () -> {
            throw later;
        })));
        assertEquals(1, slept.size(), "not waited: the caller gets the CA's Retry-After");
    }
}
