package io.certfn.acme;

import java.net.URL;
import java.time.Instant;
import java.util.Optional;

/**
 * What the CA's renewal info (ARI, RFC 9773) said about one certificate.
 *
 * @param window the suggested window; empty when the answer was unusable (e.g. a window ending before it starts)
 * @param renewAt the point to renew at, chosen at random in the window so that a check every
 *        {@code certfn.renewal.check-interval} still falls inside it (acme4j's proposal); the
 *        moment of asking when the window has begun or ends too soon for that; empty without a window
 * @param askAgainAfter when to ask again (the CA's {@code Retry-After}; 6 h after a failure)
 * @param explanation the page explaining a moved window, if the CA gave one
 */
public record RenewalAdvice(Optional<RenewalWindow> window, Optional<Instant> renewAt, Instant askAgainAfter, Optional<URL> explanation) {

    /** Advice that says nothing about the window: ask again after {@code askAgainAfter}. */
    static RenewalAdvice none(Instant askAgainAfter) {
        return new RenewalAdvice(Optional.empty(), Optional.empty(), askAgainAfter, Optional.empty());
    }
}
