package io.certfn.policy;

import io.certfn.certs.DomainNames;

/**
 * A domain pattern of a policy rule: {@code example.com} grants exactly that name;
 * {@code *.example.com} grants any name below it (at any depth, including the wildcard name
 * {@code *.example.com} itself) but not {@code example.com} or {@code badexample.com};
 * {@code *} grants every name.
 */
public record DomainPattern(String pattern) {

    /**
     * Parses and canonicalises a pattern.
     *
     * @throws IllegalArgumentException when it is not a valid pattern
     */
    public static DomainPattern parse(String raw) {
        String value = raw == null ? "" : raw.strip();
        if (value.equals("*")) {
            return new DomainPattern("*");
        }
        try {
            return new DomainPattern(DomainNames.canonicalize(value));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("domain pattern '" + raw + "' is not valid: " + e.getMessage());
        }
    }

    /** True when this pattern grants the canonical {@code name}. */
    public boolean grants(String name) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith("*.")) {
            return name.endsWith(pattern.substring(1));
        }
        return name.equals(pattern);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
