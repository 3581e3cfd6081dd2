package io.certfn.delivery;

import java.util.Optional;

/**
 * One cloud's certificate store, a bean only in the builds that hold that cloud's SDK
 * ({@code certfn-build.aws|azure|gcp}), like the DNS providers.
 */
public interface DeliveryBackend {

    /** The {@link DeliveryTarget#kind()} it delivers to. */
    String kind();

    /**
     * Puts {@code shipment} into {@code target}, replacing what {@code previous} names (the id an
     * earlier delivery of the same certificate returned) so that references to it see the new one.
     *
     * @return the id of what now holds the certificate (an ACM ARN, a Key Vault certificate version's
     *         id, a Certificate Manager resource name)
     * @throws DeliveryException naming the call that failed and what to change
     */
    String deliver(DeliveryTarget target, Shipment shipment, Optional<String> previous);
}
