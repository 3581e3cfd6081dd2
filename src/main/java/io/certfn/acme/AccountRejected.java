package io.certfn.acme;

/**
 * 422 {@code acme_rejected} for certfn's ACME account, not for the names asked for: the CA will
 * not register it with the configured external account binding. The fix is a setting of the
 * server, so the names are not put in the failure backoff (the restart that fixes it must not meet one).
 */
public class AccountRejected extends AcmeRejected {

    public AccountRejected(String reason, String detail, Throwable cause) {
        super(reason, detail, cause);
    }
}
