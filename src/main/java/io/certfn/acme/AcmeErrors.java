package io.certfn.acme;

import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.exception.AcmeException;
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
        if (e instanceof AcmeServerException server) {
            return new AcmeFailure("The CA refused " + step + ": " + describe(server.getProblem()), e);
        }
        if (e instanceof AcmeNetworkException) {
            return new AcmeFailure("The CA at " + directory + " cannot be reached while " + step + ": "
                    + rootMessage(e), e);
        }
        return new AcmeFailure("ACME failure while " + step + ": " + rootMessage(e), e);
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
