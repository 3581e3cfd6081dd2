package io.certfn.certs;

import io.certfn.error.InvalidRequestException;
import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Canonical, validated DNS names (docs/design.md §2): lower case, no trailing dot, IDNs as A-labels,
 * RFC 1123 labels, at most 253 characters, a wildcard only as the whole left-most label, and no
 * IP addresses. Everything downstream (policy, identity, ACME) sees only canonical names.
 */
public final class DomainNames {

    /** The most names one certificate may carry (Let's Encrypt's limit). */
    public static final int MAX_NAMES = 100;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private DomainNames() {
    }

    /**
     * The canonical forms of {@code names}, duplicates removed, order kept.
     *
     * @throws InvalidRequestException {@code invalid_domain}, naming the name and the rule
     */
    public static List<String> canonicalize(List<String> names) {
        if (names.size() > MAX_NAMES) {
            throw InvalidRequestException.invalidDomain("A certificate may carry at most " + MAX_NAMES
                    + " names; " + names.size() + " were requested.");
        }
        Set<String> result = new LinkedHashSet<>();
        for (String name : names) {
            result.add(canonicalize(name));
        }
        return List.copyOf(result);
    }

    /**
     * The canonical form of one name.
     *
     * @throws InvalidRequestException {@code invalid_domain}
     */
    public static String canonicalize(String raw) {
        if (raw == null || raw.isBlank()) {
            throw InvalidRequestException.invalidDomain("A domain name is empty.");
        }
        String name = raw.strip();
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.contains(":") || IPV4.matcher(name).matches()) {
            throw invalid(raw, "IP addresses are not supported; ask for a DNS name");
        }
        boolean wildcard = name.startsWith("*.");
        String base = wildcard ? name.substring(2) : name;
        if (base.contains("*")) {
            throw invalid(raw, "a wildcard is allowed only as the whole left-most label, as in '*.example.com'");
        }
        String ascii;
        try {
            ascii = IDN.toASCII(base, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw invalid(raw, "it is not a valid internationalised name (" + e.getMessage() + ")");
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2) {
            throw invalid(raw, "it needs at least two labels, as in 'host.example.com'");
        }
        for (String label : labels) {
            if (label.isEmpty()) {
                throw invalid(raw, "it has an empty label");
            }
            if (label.length() > 63) {
                throw invalid(raw, "the label '" + label + "' is longer than 63 characters");
            }
            if (!LABEL.matcher(label).matches()) {
                throw invalid(raw, "the label '" + label
                        + "' may hold only letters, digits and inner hyphens (RFC 1123)");
            }
        }
        String canonical = wildcard ? "*." + ascii : ascii;
        if (canonical.length() > 253) {
            throw invalid(raw, "it is longer than 253 characters");
        }
        return canonical;
    }

    /** Names sorted, for identity comparisons that ignore order. */
    public static List<String> sorted(List<String> names) {
        List<String> copy = new ArrayList<>(names);
        copy.sort(null);
        return copy;
    }

    private static InvalidRequestException invalid(String raw, String why) {
        String shown = raw.length() > 80 ? raw.substring(0, 80) + "…" : raw;
        return InvalidRequestException.invalidDomain("The name '" + shown + "' is not valid: " + why + ".");
    }
}
