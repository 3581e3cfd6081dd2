package io.certfn.auth;

import io.certfn.crypto.Hashes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The configured API keys ({@code certfn.auth.api-keys}: {@code name=key,...}; a key may be
 * given as {@code sha256:<hex>}). Lookups compare SHA-256 digests in constant time and always
 * walk every key, so timing reveals neither a key nor which one matched.
 */
public final class ApiKeys {

    /** The shortest key accepted. */
    public static final int MIN_LENGTH = 16;

    private record Entry(String name, byte[] digest) {
    }

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Parses the configuration value.
     *
     * @throws IllegalStateException naming the key and the entry's name (never the secret)
     */
    public static ApiKeys parse(Optional<String> config) {
        List<Entry> entries = new ArrayList<>();
        if (config.isEmpty() || config.get().isBlank()) {
            return new ApiKeys(entries);
        }
        int position = 0;
        for (String item : config.get().split(",")) {
            position++;
            String pair = item.strip();
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalStateException("certfn.auth.api-keys entry " + position
                        + " is not 'name=key' (expected name=key pairs, comma separated)");
            }
            String name = pair.substring(0, eq).strip();
            String key = pair.substring(eq + 1).strip();
            if (entries.stream().anyMatch(e -> e.name().equals(name))) {
                throw new IllegalStateException("certfn.auth.api-keys names '" + name + "' twice");
            }
            entries.add(new Entry(name, digestOf(name, key)));
        }
        return new ApiKeys(entries);
    }

    private static byte[] digestOf(String name, String key) {
        if (key.toLowerCase(Locale.ROOT).startsWith("sha256:")) {
            String hex = key.substring("sha256:".length());
            if (!hex.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalStateException("certfn.auth.api-keys key '" + name
                        + "' starts with sha256: but is not 64 hex digits");
            }
            return HexFormat.of().parseHex(hex);
        }
        if (key.length() < MIN_LENGTH) {
            throw new IllegalStateException("certfn.auth.api-keys key '" + name + "' is shorter than "
                    + MIN_LENGTH + " characters; use a long random key");
        }
        return HexFormat.of().parseHex(Hashes.sha256Hex(key));
    }

    /** True when no key is configured. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The name of the key equal to {@code presented}, if any. Constant time in the key. */
    public Optional<String> nameOf(String presented) {
        byte[] digest = HexFormat.of().parseHex(Hashes.sha256Hex(presented.getBytes(StandardCharsets.UTF_8)));
        String match = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest) && match == null) {
                match = entry.name();
            }
        }
        return Optional.ofNullable(match);
    }

    /** The configured key names. */
    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }
}
