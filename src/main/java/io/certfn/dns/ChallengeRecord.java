package io.certfn.dns;

/**
 * One DNS-01 TXT record: {@code name} is absolute without the trailing dot, e.g.
 * {@code _acme-challenge.example.com}; {@code value} is the key authorization digest.
 */
public record ChallengeRecord(String name, String value) {

    /** A TXT value in zone-file form, as the APIs that take record data want it: in double quotes. */
    public static String quoted(String value) {
        return "\"" + value + "\"";
    }

    /** The value inside zone-file double quotes, or {@code rdata} itself when it has none. */
    public static String unquote(String rdata) {
        return rdata.length() >= 2 && rdata.startsWith("\"") && rdata.endsWith("\"") ? rdata.substring(1, rdata.length() - 1) : rdata;
    }
}
