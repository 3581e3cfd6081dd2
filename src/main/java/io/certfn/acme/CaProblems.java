package io.certfn.acme;

import java.util.Locale;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * What a CA's problem document means for the next step, as pure functions of the answer: ask
 * again (transient), forget the account (gone), order without {@code replaces} (refused).
 */
final class CaProblems {

    private CaProblems() {
    }

    /** A dropped connection, a 5xx or {@code serverInternal}: the CA may answer the next try. A rate limit is not. */
    static boolean isTransient(AcmeException e) {
        if (e instanceof AcmeNetworkException) {
            return true;
        }
        if (e instanceof AcmeRateLimitedException || !(e instanceof AcmeServerException server)) {
            return false;
        }
        Problem problem = server.getProblem();
        return problem.getType().toString().endsWith(":serverInternal")
                || problem.asJSON().get("status").optional().map(v -> v.asInt() >= 500).orElse(false);
    }

    /** RFC 8555 §7.3: accountDoesNotExist; a deactivated account is refused as unauthorized, naming it. */
    static boolean accountGone(Problem problem) {
        String type = problem.getType().toString();
        String detail = problem.getDetail().orElse("").toLowerCase(Locale.ROOT);
        return type.endsWith(":accountDoesNotExist")
                || (type.endsWith(":unauthorized") && detail.contains("account") && detail.contains("deactivated"));
    }

    /** RFC 9773 §5: alreadyReplaced / conflict (409), or a refusal whose text is about {@code replaces}. */
    static boolean refusesReplaces(Problem problem) {
        String type = problem.getType().toString();
        if (type.endsWith(":alreadyReplaced") || type.endsWith(":conflict")) {
            return true;
        }
        boolean status409 = problem.asJSON().get("status").optional().map(v -> v.asInt() == 409).orElse(false);
        boolean aboutReplaces = problem.getDetail().map(d -> d.toLowerCase(Locale.ROOT).contains("replace")).orElse(false);
        return status409 || (aboutReplaces && (type.endsWith(":unauthorized") || type.endsWith(":malformed")));
    }
}
