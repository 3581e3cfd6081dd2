package io.certfn.certs;

import io.certfn.auth.Caller;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * One line per issuance, renewal and denial, and for the private keys handed out (see {@link ServedKeys}), under the logger category {@code certfn.audit}, in
 * {@code key=value} form an operator can grep. Never secrets.
 */
public final class AuditLog {

    private static final Logger LOG = Logger.getLogger("certfn.audit");

    private AuditLog() {
    }

    /** A certificate was issued ({@code renewal}: it replaced a stored one). */
    public static void issued(Caller caller, StoredCertificate cert, boolean renewal, Duration took) {
        LOG.infof("event=%s caller=%s names=%s serial=%s notAfter=%s durationMs=%d",
                renewal ? "renewed" : "issued", caller.describe(), String.join(",", cert.names()),
                cert.serial(), cert.notAfter(), took.toMillis());
    }

    /** A private key was handed out: {@code who} is "caller=… names=… serial=…"; {@code repeats} 0 for the first. */
    static void served(String who, long repeats, Duration window) {
        if (repeats == 0) {
            LOG.infof("event=served %s", who);
        } else {
            LOG.infof("event=served %s repeats=%d within=%ds", who, repeats, window.toSeconds());
        }
    }

    /** A certificate was revoked at the CA. */
    public static void revoked(Caller caller, StoredCertificate cert) {
        LOG.infof("event=revoked caller=%s names=%s serial=%s reason=%s", caller.describe(), String.join(",", cert.names()), cert.serial(),
                cert.revocationReason());
    }

    /** A request was refused with {@code code} ({@code caller} null when unauthenticated). */
    public static void denied(Caller caller, List<String> names, String code) {
        LOG.infof("event=denied caller=%s names=%s code=%s",
                caller == null ? "-" : caller.describe(), names == null ? "-" : String.join(",", names), code);
    }
}
