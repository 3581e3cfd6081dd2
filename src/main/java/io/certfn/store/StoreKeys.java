package io.certfn.store;

import java.util.regex.Pattern;

/**
 * The one place store keys are checked. Keys are relative, {@code /}-separated segments of
 * lower-case letters, digits, {@code .}, {@code _} and {@code -}; no segment is empty, {@code .}
 * or {@code ..}. That makes a key safe as a file path, an S3 key and a blob name alike.
 */
public final class StoreKeys {

    /** The longest key accepted. */
    public static final int MAX_LENGTH = 512;

    private static final Pattern SEGMENT = Pattern.compile("[a-z0-9_][a-z0-9._-]{0,127}");

    private StoreKeys() {
    }

    /**
     * Returns {@code key} unchanged if it is a valid key.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String check(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("store key must be 1.." + MAX_LENGTH + " characters");
        }
        for (String segment : key.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("invalid store key segment '" + segment + "'");
            }
        }
        return key;
    }

    /** Checks a listing prefix: a key, or a key followed by {@code /}, or empty. */
    public static String checkPrefix(String prefix) {
        if (prefix.isEmpty()) {
            return prefix;
        }
        check(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        return prefix;
    }

    /** Joins segments into a key, checking the result. */
    public static String of(String... segments) {
        return check(String.join("/", segments));
    }
}
