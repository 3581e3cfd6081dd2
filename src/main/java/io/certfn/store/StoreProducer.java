package io.certfn.store;

import io.certfn.config.CertfnConfig;
import io.certfn.crypto.KeySealer;
import io.certfn.store.azure.AzureBlobContainers;
import io.certfn.store.azure.AzureBlobObjectStore;
import io.certfn.store.file.FileObjectStore;
import io.certfn.store.gcs.GcsClients;
import io.certfn.store.gcs.GcsObjectStore;
import io.certfn.store.s3.S3Clients;
import io.certfn.store.s3.S3ObjectStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.jboss.logging.Logger;

/** Chooses the store backend from {@code certfn.store.type} and wraps it with checksums. */
@Singleton
public class StoreProducer {

    private static final Logger LOG = Logger.getLogger(StoreProducer.class);

    @Produces
    @Singleton
    ChecksummedStore store(CertfnConfig config) {
        return new ChecksummedStore(backend(config.store()), Clock.systemUTC());
    }

    static ObjectStore backend(CertfnConfig.Store config) {
        String type = config.type();
        switch (type) {
            case "file" -> {
                LOG.infof("Store: folder %s", config.file().path().toAbsolutePath());
                return new FileObjectStore(config.file().path());
            }
            case "s3" -> {
                String bucket = required(config.s3().bucket(), "certfn.store.s3.bucket", type);
                KeyPrefix prefix = KeyPrefix.of(config.s3().prefix(), "certfn.store.s3.prefix");
                LOG.infof("Store: s3://%s/%s%s", bucket, prefix.listing(""),
                        config.s3().endpoint().map(e -> " at " + e).orElse(""));
                return new S3ObjectStore(S3Clients.create(config.s3(), config.timeout()), bucket, prefix);
            }
            case "azure-blob" -> {
                KeyPrefix prefix = KeyPrefix.of(config.azure().prefix(), "certfn.store.azure.prefix");
                var container = AzureBlobContainers.create(config.azure(), config.timeout());
                LOG.infof("Store: Azure Blob %s/%s", container.getBlobContainerUrl(), prefix.listing(""));
                return new AzureBlobObjectStore(container, prefix, config.timeout());
            }
            case "gcs" -> {
                String bucket = required(config.gcs().bucket(), "certfn.store.gcs.bucket", type);
                KeyPrefix prefix = KeyPrefix.of(config.gcs().prefix(), "certfn.store.gcs.prefix");
                LOG.infof("Store: gs://%s/%s%s", bucket, prefix.listing(""), config.gcs().host().map(h -> " at " + h).orElse(""));
                return new GcsObjectStore(GcsClients.create(config.gcs(), config.timeout()), bucket, prefix);
            }
            default -> throw new IllegalStateException("certfn.store.type '" + type
                    + "' is not supported; supported: file, s3, azure-blob, gcs");
        }
    }

    private static String required(java.util.Optional<String> value, String key, String type) {
        return value.filter(v -> !v.isBlank()).orElseThrow(() -> new IllegalStateException(
                key + " is required when certfn.store.type=" + type));
    }

    @Produces
    @Singleton
    KeySealer sealer(CertfnConfig config) {
        KeySealer sealer;
        try {
            sealer = KeySealer.of(config.store().encryptionKey(), config.store().encryptionKeyPrevious());
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
    LeaseManager leases(ObjectStore store, CertfnConfig config) {
        return new LeaseManager(store, config.lease().duration(), Clock.systemUTC());
    }
}
