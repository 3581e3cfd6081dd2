package io.certfn.store.azure;

import io.certfn.store.StoreConfig;import io.certfn.store.KeyPrefix;
import io.certfn.store.ObjectStore;
import io.certfn.store.StoreBackend;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** {@code certfn.store.type=azure-blob}: in builds with the Azure SDK. */
@Singleton
@IfBuildProperty(name = "certfn-build.azure", stringValue = "true", enableIfMissing = true)
public class AzureBlobBackend implements StoreBackend {

    private static final Logger LOG = Logger.getLogger(AzureBlobBackend.class);

    @Override
    public String type() {
        return "azure-blob";
    }

    @Override
    public ObjectStore open(StoreConfig config) {
        KeyPrefix prefix = KeyPrefix.of(config.azure().prefix(), "certfn.store.azure.prefix");
        var container = AzureBlobContainers.create(config.azure(), config.timeout());
        LOG.infof("Store: Azure Blob %s/%s", container.getBlobContainerUrl(), prefix.listing(""));
        return new AzureBlobObjectStore(container, prefix, config.timeout());
    }
}
