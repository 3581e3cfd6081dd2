package io.certfn.quota;

import com.google.common.net.InternetDomainName;
import java.util.Locale;

/**
 * The registered domain of a name, as CAs count certificates ("certificates per registered domain",
 * Let's Encrypt's rate limits page): the public suffix from the Public Suffix List (Guava's copy,
 * {@link InternetDomainName}) plus one label. A name under no listed suffix (a private TLD such as
 * {@code .test}) takes the PSL algorithm's implicit {@code *} rule: its last label is the suffix.
 */
public final class RegisteredDomain {

    private RegisteredDomain() {
    }

    /** The registered domain of {@code name} (canonical, a wildcard's {@code *.} ignored). */
    public static String of(String name) {
        String host = name.startsWith("*.") ? name.substring(2) : name;
        host = host.toLowerCase(Locale.ROOT);
        try {
            InternetDomainName parsed = InternetDomainName.from(host);
            if (parsed.isUnderPublicSuffix()) {
                return parsed.topPrivateDomain().toString();
            }
            if (parsed.isPublicSuffix()) {
                return host;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Not a name Guava accepts (already validated by certfn's own rules): fall through to the last two labels.
        }
        String[] labels = host.split("\\.");
        return labels.length <= 2 ? host : labels[labels.length - 2] + "." + labels[labels.length - 1];
    }
}
