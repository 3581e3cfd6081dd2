package io.certfn.store;

import io.certfn.crypto.KeySealer;
import io.certfn.metrics.CertfnMetrics;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import org.jboss.logging.Logger;

/** Chooses the store backend from {@code certfn.store.type} among those this build holds, and wraps it with metrics and checksums. */
@Singleton
public class StoreProducer {

    private static final Logger LOG = Logger.getLogger(StoreProducer.class);

    @Produces
    @Singleton
    ChecksummedStore store(StoreConfig config, Instance<StoreBackend> backends, CertfnMetrics metrics, Clock clock) {
        ObjectStore backend = backend(config, backends.stream().toList());
        return new ChecksummedStore(new MeteredStore(backend, config.type(), metrics), clock);
    }

    /**
     * Opens the backend {@code certfn.store.type} names.
     *
     * @throws IllegalStateException when this build has no such backend, or a setting is missing
     */
    public static ObjectStore backend(StoreConfig config, List<? extends StoreBackend> backends) {
        String type = config.type();
        for (StoreBackend backend : backends) {
            if (backend.type().equals(type)) {
                return backend.open(config);
            }
        }
        throw new IllegalStateException("certfn.store.type '" + type + "' is not supported by this build; supported: "
                + String.join(", ", backends.stream().map(StoreBackend::type).sorted().toList())
                + " (the s3, azure-blob and gcs backends are in the builds for their cloud and in the default build)");
    }

    @Produces
    @Singleton
    KeySealer sealer(StoreConfig config) {
        KeySealer sealer;
        try {
            sealer = KeySealer.of(config.encryptionKey(), config.encryptionKeyPrevious());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (sealer.enabled()) {
            LOG.infof("Private keys are sealed at rest with AES-256-GCM, key id %s", sealer.currentKeyId());
        } else {
            LOG.warn("certfn.store.encryption-key is not set: private keys are stored unencrypted");
        }
        return sealer;
    }

    @Produces
    @Singleton
    LeaseManager leases(ObjectStore store, LeaseConfig config, Clock clock) {
        return new LeaseManager(store, config.duration(), clock);
    }
}
