package io.certfn.delivery;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code certfn.delivery.*}: how certfn reaches the clouds' certificate stores. Where certificates
 * go is the policy's ({@code deliver} in a rule); these keys only point the clients elsewhere
 * (tests, sovereign clouds) and bound them.
 */
@ConfigMapping(prefix = "certfn.delivery")
public interface DeliveryConfig {

    /** {@code certfn.delivery.timeout}: the longest one delivery may take, retries included. */
    @WithDefault("30s")
    Duration timeout();

    /** {@code certfn.delivery.acm.*}: AWS Certificate Manager with the function's role. */
    Acm acm();

    /** {@code certfn.delivery.key-vault.*}: Azure Key Vault with the managed identity. */
    @WithName("key-vault")
    KeyVault keyVault();

    /** {@code certfn.delivery.gcp.*}: Google Certificate Manager with the service account. */
    Gcp gcp();

    interface Acm {
        /** {@code certfn.delivery.acm.endpoint}: another ACM endpoint (tests); default: the target region's. */
        Optional<String> endpoint();
    }

    interface KeyVault {
        /** {@code certfn.delivery.key-vault.access-token}: a fixed Key Vault token instead of the managed identity (tests). Secret. */
        @WithName("access-token")
        Optional<String> accessToken();
    }

    interface Gcp {
        /** {@code certfn.delivery.gcp.endpoint}: the Certificate Manager API root. */
        @WithDefault("https://certificatemanager.googleapis.com")
        String endpoint();

        /** {@code certfn.delivery.gcp.access-token}: a fixed OAuth token instead of the service account (tests). Secret. */
        @WithName("access-token")
        Optional<String> accessToken();
    }
}
