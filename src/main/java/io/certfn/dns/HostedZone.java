package io.certfn.dns;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * A zone as a DNS API knows it: the API's id for it and its apex name (lower case, no trailing dot).
 */
public record HostedZone(String id, String name) {

    public HostedZone {
        name = normalise(name);
    }

    /** True when {@code fqdn} is the apex or below it (label-aligned: {@code badexample.com} is not below {@code example.com}). */
    public boolean contains(String fqdn) {
        String n = normalise(fqdn);
        return n.equals(name) || n.endsWith("." + name);
    }

    /** {@code fqdn} relative to the apex: {@code _acme-challenge.www}, or {@code @} for the apex itself. */
    public String relative(String fqdn) {
        String n = normalise(fqdn);
        return n.equals(name) ? "@" : n.substring(0, n.length() - name.length() - 1);
    }

    /** The most specific of {@code zones} holding {@code fqdn}: a delegated {@code sub.example.com} beats {@code example.com}. */
    public static Optional<HostedZone> longestMatch(String fqdn, Collection<HostedZone> zones) {
        return zones.stream().filter(z -> z.contains(fqdn)).max(Comparator.comparingInt(z -> z.name().length()));
    }

    private static String normalise(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
