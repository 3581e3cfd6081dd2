package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * The translation of acme4j's failures. Pebble 2.4 never rate-limits, so the rate-limit answer is
 * built here from the problem document RFC 8555 §6.6 defines.
 */
class AcmeErrorsTest {

    private static Problem problem(String json) throws Exception {
        return new Problem(JSON.parse(json), new URL("https://ca.example/acme/"));
    }

    @Test
    void rateLimitKeepsTheCasRetryAfter() throws Exception {
        Instant retryAt = Instant.now().plusSeconds(3600);
        var e = new AcmeRateLimitedException(problem("{\"type\":\"urn:ietf:params:acme:error:rateLimited\","
                + "\"detail\":\"too many certificates (5) already issued for this exact set of identifiers\"}"),
                retryAt, List.of());
        AcmeFailure failure = AcmeErrors.translate(e, "creating the order", "https://ca.example/dir");
        AcmeRateLimited limited = assertInstanceOf(AcmeRateLimited.class, failure);
        assertEquals(429, limited.status());
        assertEquals("acme_rate_limited", limited.code());
        Duration left = limited.retryAfter().orElseThrow();
        assertTrue(left.toSeconds() > 3500 && left.toSeconds() <= 3600, left.toString());
        assertTrue(limited.getMessage().contains("urn:ietf:params:acme:error:rateLimited"));
        assertTrue(limited.getMessage().contains("too many certificates"));
    }

    @Test
    void serverProblemsCarryTypeDetailAndSubproblems() throws Exception {
        var e = new AcmeServerException(problem("{\"type\":\"urn:ietf:params:acme:error:rejectedIdentifier\","
                + "\"detail\":\"Some identifiers were rejected\",\"subproblems\":[{\"type\":\"urn:ietf:params:acme:error:rejectedIdentifier\","
                + "\"detail\":\"forbidden by policy\",\"identifier\":{\"type\":\"dns\",\"value\":\"bad.example\"}}]}"));
        AcmeFailure failure = AcmeErrors.translate(e, "creating the order", "https://ca.example/dir");
        // docs/design.md §3: a refusal retrying cannot fix.
        assertEquals(422, failure.status());
        assertEquals("acme_rejected", failure.code());
        assertEquals(java.util.Optional.of("rejectedIdentifier"), failure.reason());
        assertTrue(failure.getMessage().contains("rejectedIdentifier: Some identifiers were rejected"), failure.getMessage());
        assertTrue(failure.getMessage().contains("bad.example") && failure.getMessage().contains("forbidden by policy"));
        assertTrue(failure.retryAfter().isEmpty());
    }

    @Test
    void aServerFailureIs502AndACompoundOfMixedRefusalsIsNotRejected() throws Exception {
        var internal = new AcmeServerException(problem("{\"type\":\"urn:ietf:params:acme:error:serverInternal\",\"detail\":\"oops\"}"));
        assertEquals("acme_error", AcmeErrors.translate(internal, "finalizing the order", "https://ca.example/dir").code());
        var mixed = new AcmeServerException(problem("{\"type\":\"urn:ietf:params:acme:error:compound\",\"detail\":\"several\","
                + "\"subproblems\":[{\"type\":\"urn:ietf:params:acme:error:caa\",\"detail\":\"CAA\"},"
                + "{\"type\":\"urn:ietf:params:acme:error:dns\",\"detail\":\"SERVFAIL\"}]}"));
        assertEquals("acme_error", AcmeErrors.translate(mixed, "validating", "https://ca.example/dir").code());
        var caa = new AcmeServerException(problem("{\"type\":\"urn:ietf:params:acme:error:compound\",\"detail\":\"several\","
                + "\"subproblems\":[{\"type\":\"urn:ietf:params:acme:error:caa\",\"detail\":\"CAA forbids\"}]}"));
        AcmeFailure rejected = AcmeErrors.translate(caa, "validating", "https://ca.example/dir");
        assertEquals("acme_rejected", rejected.code());
        assertTrue(rejected.getMessage().contains("CAA records"), rejected.getMessage());
    }

    @Test
    void aFailedValidationIsFinalOnlyForCaa() throws Exception {
        var unseen = problem("{\"type\":\"urn:ietf:params:acme:error:unauthorized\",\"detail\":\"Incorrect TXT record\"}");
        assertEquals("acme_error", AcmeErrors.validationFailure(unseen, "validating").code(), "the next attempt may see the record");
        var caa = problem("{\"type\":\"urn:ietf:params:acme:error:caa\",\"detail\":\"CAA record prevents issuance\"}");
        AcmeFailure rejected = AcmeErrors.validationFailure(caa, "validating");
        assertEquals("acme_rejected", rejected.code());
        assertEquals(java.util.Optional.of("caa"), rejected.reason());
    }

    @Test
    void unreachableCaNamesTheDirectory() {
        var e = new AcmeNetworkException(new java.net.ConnectException("Connection refused"));
        AcmeFailure failure = AcmeErrors.translate(e, "registering the ACME account", "https://ca.example/dir");
        assertEquals("acme_error", failure.code());
        assertTrue(failure.getMessage().contains("https://ca.example/dir") && failure.getMessage().contains("Connection refused"),
                failure.getMessage());
    }

    @Test
    void problemUriIsKept() throws Exception {
        assertEquals(URI.create("urn:ietf:params:acme:error:dns"),
                problem("{\"type\":\"urn:ietf:params:acme:error:dns\"}").getType());
    }
}
