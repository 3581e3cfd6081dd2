package io.certfn.error;

/**
 * Text from outside (a token's unverified {@code iss}, {@code sub}, {@code kid}) made safe for one
 * log line: control characters are escaped, so nobody can end the line and forge another one (each
 * stdout line is a separate CloudWatch or Cloud Logging entry), and it is cut to a bounded length.
 */
public final class LogText {

    /** The most characters of one value a log line carries. */
    public static final int MAX = 200;

    private LogText() {
    }

    /** {@code value} with control characters as {@code \\uXXXX} and cut to {@link #MAX} characters ("null" for null). */
    public static String of(String value) {
        return of(value, MAX);
    }

    /** {@code value} with control characters escaped, cut to {@code max} characters (audit lines keep every name). */
    public static String of(String value, int max) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max) + 8);
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= max && value.length() > max) {
            out.setLength(max);
            out.append('…');
        }
        return out.toString();
    }
}
