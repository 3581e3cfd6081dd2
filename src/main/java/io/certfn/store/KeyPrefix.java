package io.certfn.store;

import java.util.Optional;

/**
 * The folder inside a bucket or container that holds certfn's objects, so one bucket can serve
 * several installations (or other data). Store keys map to object names by prepending it.
 */
public final class KeyPrefix {

    private final String prefix;

    private KeyPrefix(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Reads a configured prefix: {@code certfn} and {@code certfn/} mean the same; empty or
     * absent means the bucket's root.
     *
     * @throws IllegalArgumentException naming {@code configKey} when it is not a valid key
     */
    public static KeyPrefix of(Optional<String> configured, String configKey) {
        String value = configured.map(String::strip).orElse("");
        while (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        if (value.isEmpty()) {
            return new KeyPrefix("");
        }
        try {
            StoreKeys.check(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configKey + " '" + value + "' is not a valid folder name: " + e.getMessage(), e);
        }
        return new KeyPrefix(value + "/");
    }

    /** The object name of a (checked) store key. */
    public String name(String key) {
        return prefix + StoreKeys.check(key);
    }

    /** The object-name prefix for listing keys that start with {@code keyPrefix}. */
    public String listing(String keyPrefix) {
        return prefix + StoreKeys.checkPrefix(keyPrefix);
    }

    /** The store key of an object name this prefix produced. */
    public String key(String name) {
        return name.substring(prefix.length());
    }
}
