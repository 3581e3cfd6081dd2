package io.certfn.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** The {@code Prefer: wait=N} header (RFC 7240 §4.3): how long a client will wait for a new order. */
final class WaitPreference {

    private WaitPreference() {
    }

    /**
     * The wait the client asked for, if it asked validly; otherwise empty (RFC 7240 says to
     * ignore preferences a server does not understand).
     */
    static Optional<Duration> parse(String prefer) {
        if (prefer == null) {
            return Optional.empty();
        }
        for (String token : prefer.split("[,;]")) {
            String t = token.strip().toLowerCase(Locale.ROOT);
            if (t.startsWith("wait=")) {
                try {
                    long seconds = Long.parseLong(t.substring(5).replace("\"", "").strip());
                    return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * True when the client said it understands asynchronous answers ({@code respond-async} or a
     * valid {@code wait=N}, RFC 7240 §4.1 and §4.3): only such a client is answered {@code 202}.
     */
    static boolean acceptsAsync(String prefer) {
        if (prefer == null) {
            return false;
        }
        for (String token : prefer.split("[,;]")) {
            if (token.strip().equalsIgnoreCase("respond-async")) {
                return true;
            }
        }
        return parse(prefer).isPresent();
    }

    /** The budget for this request: the preference capped at {@code max}, else the default. */
    static Duration budget(String prefer, Duration defaultWait, Duration max) {
        Duration wanted = parse(prefer).orElse(defaultWait);
        return wanted.compareTo(max) > 0 ? max : wanted;
    }
}
