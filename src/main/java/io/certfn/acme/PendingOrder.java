package io.certfn.acme;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * An ACME order in progress, kept in the store so any instance can resume it after a timeout or
 * a crash (acme4j rebinds resources by URL).
 *
 * @param orderUrl the order's location at the CA
 * @param keyPair the certificate key pair (storage PEM) made for it; null in CSR mode
 * @param createdAt when the order was created
 * @param directory the CA directory the order was made at (null: stored before certfn recorded it, the first configured CA)
 */
// Read and written as JSON in the store, not through JAX-RS: kept for Jackson in a native image explicitly.
@RegisterForReflection
public record PendingOrder(String orderUrl, String keyPair, Instant createdAt, String directory) {
}
