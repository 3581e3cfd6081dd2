package io.certfn.acme;

import java.net.URL;
import java.time.Instant;
import java.util.Optional;

/**
 * What the CA's renewal info (ARI, RFC 9773) said about one certificate: its suggested window
 * (empty when the answer was unusable, e.g. a window ending before it starts), when to ask again
 * (the CA's {@code Retry-After}), and the page explaining a moved window, if the CA gave one.
 */
public record RenewalAdvice(Optional<RenewalWindow> window, Instant askAgainAfter, Optional<URL> explanation) {
}
