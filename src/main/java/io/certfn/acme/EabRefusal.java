package io.certfn.acme;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * A CA's refusal of the configured EAB key, as kept in the account's store object
 * ({@code eabRefused}): Google Trust Services' keys bind one account and expire after 7 days, so
 * once the CA forgot certfn's account the key cannot register a new one, and no instance should
 * ask with it again — only a new {@code certfn.acme.eab.kid} does.
 */
final class EabRefusal {

    /**
     * What a CA answers a newAccount whose binding it will not take: Google Trust Services 403
     * {@code unauthorized} ("Unknown external account binding (EAB) key", a used or expired key),
     * ZeroSSL 400 {@code malformed} ("[External Account Binding] ...").
     */
    private static final Set<String> REFUSED_BINDING = Set.of("unauthorized", "malformed");
    private static final String FIELD = "eabRefused";

    private final String directory;
    private final String kid;

    EabRefusal(String directory, String kid) {
        this.directory = directory;
        this.kid = kid;
    }

    /** Whether {@code e}, answering a newAccount with this key, refuses the binding itself (not a rate limit, not an outage). */
    boolean refuses(AcmeServerException e) {
        return REFUSED_BINDING.contains(AcmeErrors.shortType(e.getProblem())) && !(e instanceof AcmeRateLimitedException)
                && !CaProblems.isTransient(e);
    }

    /** The refusal stored in the account object {@code fields} for this kid, if any. */
    Optional<AccountRejected> stored(Map<?, ?> fields) {
        if (!(fields.get(FIELD) instanceof Map<?, ?> refused) || !kid.equals(refused.get("kid"))) {
            return Optional.empty();
        }
        return Optional.of(rejection(String.valueOf(refused.get("type")), String.valueOf(refused.get("problem")), null));
    }

    /** {@code fields} with the refusal {@code e} recorded, to be written back in their place. */
    Map<String, Object> recorded(Map<?, ?> fields, AcmeServerException e) {
        Map<String, Object> marked = new HashMap<>();
        fields.forEach((name, value) -> marked.put(String.valueOf(name), value));
        marked.put(FIELD, Map.of("kid", kid, "type", AcmeErrors.shortType(e.getProblem()), "problem", AcmeErrors.describe(e.getProblem())));
        return marked;
    }

    /** The 422 for {@code e}, naming the settings to change. */
    AccountRejected rejection(AcmeServerException e) {
        return rejection(AcmeErrors.shortType(e.getProblem()), AcmeErrors.describe(e.getProblem()), e);
    }

    private AccountRejected rejection(String type, String problem, Throwable cause) {
        return new AccountRejected(type, "The CA at " + directory + " refused the external account binding certfn.acme.eab.kid '"
                + kid + "' while registering the ACME account: " + problem + ". An EAB key binds one ACME account "
                + "(Google Trust Services' also expire 7 days after they are made) and this account is new (the CA no longer knows "
                + "the old one, or this store holds none): make a new EAB key at the CA and set certfn.acme.eab.kid and "
                + "certfn.acme.eab.hmac-key; certfn does not register with this kid again", cause);
    }
}
