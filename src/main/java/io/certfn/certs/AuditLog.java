package io.certfn.certs;

import io.certfn.identity.Caller;
import io.certfn.error.LogText;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One record per issuance, renewal, revocation and denial, and for the private keys handed out (see
 * {@link ServedKeys}), under the logger category {@code certfn.audit}. The message is the fields in
 * {@code key=value} form an operator can grep; the same fields ride in the MDC, so the JSON logs of
 * the cloud builds carry them as fields ({@code mdc.event}, {@code mdc.caller}, ...) that CloudWatch,
 * Cloud Logging and Application Insights can filter on. Never secrets.
 */
public final class AuditLog {

    private static final Logger LOG = Logger.getLogger("certfn.audit");

    private AuditLog() {
    }

    /** A certificate was issued ({@code renewal}: it replaced a stored one). */
    public static void issued(Caller caller, StoredCertificate cert, boolean renewal, Duration took) {
        write(of(renewal ? "renewed" : "issued", caller.describe(), cert.names(), "serial", cert.serial(), "notAfter", String.valueOf(cert.notAfter()),
                "durationMs", String.valueOf(took.toMillis())));
    }

    /** A private key was handed out to {@code caller}; {@code repeats} 0 for the first answer of the window. */
    static void served(String caller, List<String> names, String serial, long repeats, Duration window) {
        Map<String, String> fields = of("served", caller, names, "serial", serial);
        if (repeats > 0) {
            fields.put("repeats", String.valueOf(repeats));
            fields.put("within", window.toSeconds() + "s");
        }
        write(fields);
    }

    /** A certificate was put into a delivery target ({@code id}: what holds it there, e.g. the ACM ARN). */
    static void delivered(String by, StoredCertificate cert, String target, String id) {
        write(of("delivered", by, cert.names(), "serial", cert.serial(), "target", target, "id", id));
    }

    /** A certificate was revoked at the CA. */
    public static void revoked(Caller caller, StoredCertificate cert) {
        write(of("revoked", caller.describe(), cert.names(), "serial", cert.serial(), "reason", String.valueOf(cert.revocationReason())));
    }

    /** The fields of a denial, as {@link #denied} writes them. */
    static Map<String, String> deniedFields(Caller caller, List<String> names, String code) {
        return of("denied", caller == null ? "-" : caller.describe(), names, "code", code);
    }

    /** A request was refused with {@code code} ({@code caller} null when unauthenticated). */
    public static void denied(Caller caller, List<String> names, String code) {
        write(deniedFields(caller, names, code));
    }

    /** The audit line of {@code fields}: {@code key=value} pairs, each value escaped and quoted where needed. */
    static String line(Map<String, String> fields) {
        StringBuilder line = new StringBuilder();
        fields.forEach((key, value) -> line.append(line.isEmpty() ? "" : " ").append(key).append('=')
                .append(quoted(LogText.of(value, Integer.MAX_VALUE))));
        return line.toString();
    }

    /** {@code value}, in double quotes with {@code \\} and {@code "} escaped when it could be read as more than one field. */
    static String quoted(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(c -> c == ' ' || c == '=' || c == '"' || c == '\\')) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static Map<String, String> of(String event, String caller, List<String> names, String... more) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event", event);
        fields.put("caller", caller);
        fields.put("names", names == null ? "-" : String.join(",", names));
        for (int i = 0; i < more.length; i += 2) {
            fields.put(more[i], more[i + 1]);
        }
        return fields;
    }

    /**
     * The fields as the message and, for the one record, in the MDC (values the thread had before are
     * put back). Subjects and names come from callers (a token's {@code sub}, an event's role ARN), so
     * every value is made safe for one line ({@link LogText}) and quoted logfmt-style when it holds a
     * space, {@code =} or {@code "}: no value can end the line or add a field of its own.
     */
    private static void write(Map<String, String> fields) {
        Map<String, Object> before = new LinkedHashMap<>();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            before.put(field.getKey(), MDC.put(field.getKey(), LogText.of(field.getValue(), Integer.MAX_VALUE)));
        }
        try {
            LOG.info(line(fields));
        } finally {
            before.forEach((key, old) -> {
                if (old == null) {
                    MDC.remove(key);
                } else {
                    MDC.put(key, old);
                }
            });
        }
    }
}
