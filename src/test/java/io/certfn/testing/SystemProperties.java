package io.certfn.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * System properties a test sets for the SDKs' default credential chains (they read {@code
 * aws.accessKeyId} from this JVM), put back as they were on {@link #close()}, so no later test class
 * in the same JVM runs with them by accident.
 */
public final class SystemProperties implements AutoCloseable {

    private final Map<String, String> previous = new LinkedHashMap<>();

    private SystemProperties() {
    }

    /** Sets {@code key, value, key, value, ...}, remembering what was there. */
    public static SystemProperties set(String... pairs) {
        SystemProperties set = new SystemProperties();
        for (int i = 0; i < pairs.length; i += 2) {
            set.previous.put(pairs[i], System.getProperty(pairs[i]));
            System.setProperty(pairs[i], pairs[i + 1]);
        }
        return set;
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }
}
