package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.certfn.identity.Caller;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Audit lines carry caller-controlled text (subjects, role ARNs); none of it may forge a field or a line. */
class AuditLogTest {

    @Test
    void aSubjectWithSpacesEqualsAndNewlinesStaysOneQuotedValue() {
        Caller forger = new Caller(Caller.Method.BEARER_TOKEN, "oidc", "x event=served caller=apiKey:ops\nevent=issued", Map.of());
        String line = AuditLog.line(AuditLog.deniedFields(forger, List.of("a.example.com"), "domain_not_allowed"));
        assertEquals("event=denied caller=\"oidc:x event=served caller=apiKey:ops\\\\u000aevent=issued\" names=a.example.com"
                + " code=domain_not_allowed", line);
        assertFalse(line.contains("\n"));
    }

    @Test
    void plainValuesStayAsTheyWereAndQuotesAreEscaped() {
        assertEquals("apiKey:ops", AuditLog.quoted("apiKey:ops"));
        assertEquals("\"a\\\"b\"", AuditLog.quoted("a\"b"));
        assertEquals("\"\"", AuditLog.quoted(""));
    }
}
