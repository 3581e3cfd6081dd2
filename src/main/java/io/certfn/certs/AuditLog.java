package io.certfn.certs;

import io.certfn.auth.Caller;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * One line per issuance, renewal, denial and private key handed out, under the logger category {@code certfn.audit}, in
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

    /**
     * A certificate and its private key were handed to {@code caller} (key custody, DESIGN §4): who
     * received which key. Answers without a key (CSR mode) are not key custody and write nothing.
     */
    public static void served(Caller caller, List<String> names, StoredCertificate cert, boolean cached) {
        if (cert.privateKey() != null) {
            LOG.infof("event=served caller=%s names=%s serial=%s cached=%s", caller.describe(), String.join(",", names),
                    cert.serial(), cached);
        }
    }

    /** A request was refused with {@code code} ({@code caller} null when unauthenticated). */
    public static void denied(Caller caller, List<String> names, String code) {
        LOG.infof("event=denied caller=%s names=%s code=%s",
                caller == null ? "-" : caller.describe(), names == null ? "-" : String.join(",", names), code);
    }
}
