package io.certfn.certs;

import java.time.Duration;

/** What a certificate request produced: a certificate, or a pending order to ask again for. */
public sealed interface Outcome {

    /** A valid certificate; {@code cached} when served from the store without a new order. */
    record Ready(StoredCertificate certificate, boolean cached) implements Outcome {
    }

    /** The order is still running (docs/design.md §2 long orders): ask again after {@code retryAfter}. */
    record Pending(CertificateSpec spec, Duration retryAfter) implements Outcome {
    }
}
