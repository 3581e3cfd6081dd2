package io.certfn.acme;

import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;

/** The one place acme4j's exceptions become certfn's: the CA's problem type and text kept. */
final class AcmeErrors {

    private AcmeErrors() {
    }

    /**
     * The certfn failure for {@code e}, raised while doing {@code step} (e.g. "creating the
     * order") against the CA at {@code directory}.
     */
    static AcmeFailure translate(AcmeException e, String step, String directory) {
        if (e instanceof AcmeRateLimitedException limited) {
            return new AcmeRateLimited("The CA rate-limited " + step + ": " + describe(limited.getProblem()),
                    limited.getRetryAfter().orElse(null), e);
        }
        if (e instanceof CaRetryAfterException busy) {
            AcmeFailure failure = refusal(busy.getProblem(), "The CA failed " + step + ": " + describe(busy.getProblem())
                    + "; it asks to be asked again after " + busy.retryAfter(), e);
            return failure instanceof AcmeRejected ? failure : AcmeFailure.caUnavailable(failure.getMessage(), e, busy.retryAfter());
        }
        if (e instanceof AcmeServerException server) {
            AcmeFailure failure = refusal(server.getProblem(), "The CA refused " + step + ": " + describe(server.getProblem()), e);
            return CaProblems.isTransient(e) && !(failure instanceof AcmeRejected)
                    ? AcmeFailure.caUnavailable("The CA failed " + step + ": " + describe(server.getProblem()), e, null) : failure;
        }
        if (e instanceof AcmeNetworkException) {
            return AcmeFailure.caUnavailable("The CA at " + directory + " cannot be reached while " + step + ": "
                    + rootMessage(e), e, null);
        }
        return new AcmeFailure("ACME failure while " + step + ": " + rootMessage(e), e);
    }

    /**
     * {@link #translate(AcmeException, String, String)} for what acme4j wraps when it reads an
     * order's or authorization's state at its first use (a request that timed out, the CA's 5xx):
     * the CA's failure, as a direct request's would be, not an internal error.
     */
    static AcmeFailure translate(AcmeLazyLoadingException e, String step, String directory) {
        return e.getCause() instanceof AcmeException cause ? translate(cause, step, directory)
                : new AcmeFailure("ACME failure while " + step + ": " + rootMessage(e), e);
    }

    /** ACME problem types (RFC 8555 §6.7) that asking again, unchanged, cannot fix. */
    private static final java.util.Map<String, String> FINAL = java.util.Map.of(
            "caa", " Add the CA to the name's CAA records (or remove the CAA record that excludes it).",
            "rejectedIdentifier", " The CA will not issue for this name (its policy or a blocklist); ask another CA or another name.",
            "unauthorized", " The account may not have this name or action at this CA.",
            "badCSR", " Send a CSR the CA accepts (key type and size, signature, names).",
            "badPublicKey", " Use a key type and size the CA accepts.",
            "badSignatureAlgorithm", " Use a signature algorithm the CA accepts.",
            "invalidContact", " Fix certfn.acme.email.",
            "unsupportedIdentifier", " The CA does not issue for this kind of name.",
            "externalAccountRequired", " The CA requires external account binding: set certfn.acme.eab.kid and certfn.acme.eab.hmac-key.",
            "invalidProfile", " The CA does not offer this profile (any more): ask for one its directory lists, in the request's"
                    + " profile or certfn.acme.profile.");

    /**
     * 422 {@code acme_rejected} when {@code problem} (or, for an order, its one sub-problem
     * type) is a refusal retrying cannot fix, with what to change; else 502 {@code acme_error}.
     */
    static AcmeFailure refusal(Problem problem, String detail, Throwable cause) {
        String type = shortType(problem);
        if (FINAL.containsKey(type)) {
            return new AcmeRejected(type, detail + "." + FINAL.get(type), cause);
        }
        return cause == null ? new AcmeFailure(detail) : new AcmeFailure(detail, cause);
    }

    /**
     * A failed validation (the challenge's or the order's error). Only {@code caa} is final here:
     * an {@code unauthorized} or {@code dns} answer to a challenge usually means the record was not
     * visible yet or not reachable, which the next attempt may fix: 502 {@code acme_error}.
     */
    static AcmeFailure validationFailure(Problem problem, String detail) {
        return "caa".equals(shortType(problem)) ? refusal(problem, detail, null) : new AcmeFailure(detail);
    }

    /** {@code caa} for {@code urn:ietf:params:acme:error:caa}; a compound problem's sub-problem type when they all agree. */
    static String shortType(Problem problem) {
        String type = problem.getType().toString();
        String name = type.substring(type.lastIndexOf(':') + 1);
        if (name.equals("compound")) {
            java.util.Set<String> subs = new java.util.HashSet<>();
            problem.getSubProblems().forEach(sub -> subs.add(shortType(sub)));
            if (subs.size() == 1) {
                return subs.iterator().next();
            }
        }
        return name;
    }

    /** "type: detail", with sub-problems, as the CA said them. */
    static String describe(Problem problem) {
        StringBuilder out = new StringBuilder(problem.getType().toString());
        problem.getDetail().ifPresent(d -> out.append(": ").append(d));
        for (Problem sub : problem.getSubProblems()) {
            out.append(" [").append(sub.getIdentifier().map(i -> i.getDomain() + " ").orElse(""))
                    .append(describe(sub)).append(']');
        }
        return out.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root == e ? String.valueOf(message) : e.getMessage() + " (" + root.getClass().getSimpleName() + ": " + message + ")";
    }
}
