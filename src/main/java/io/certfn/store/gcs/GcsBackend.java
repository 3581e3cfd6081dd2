package io.certfn.store.gcs;

import io.certfn.store.StoreConfig;import io.certfn.store.KeyPrefix;
import io.certfn.store.ObjectStore;
import io.certfn.store.StoreBackend;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** {@code certfn.store.type=gcs}: in builds with the Google Cloud SDK. */
@Singleton
@IfBuildProperty(name = "certfn-build.gcp", stringValue = "true", enableIfMissing = true)
public class GcsBackend implements StoreBackend {

    private static final Logger LOG = Logger.getLogger(GcsBackend.class);

    @Override
    public String type() {
        return "gcs";
    }

    @Override
    public ObjectStore open(StoreConfig config) {
        String bucket = config.gcs().bucket().filter(b -> !b.isBlank()).orElseThrow(() -> new IllegalStateException(
                "certfn.store.gcs.bucket is required when certfn.store.type=gcs"));
        KeyPrefix prefix = KeyPrefix.of(config.gcs().prefix(), "certfn.store.gcs.prefix");
        LOG.infof("Store: gs://%s/%s%s", bucket, prefix.listing(""), config.gcs().host().map(h -> " at " + h).orElse(""));
        return new GcsObjectStore(GcsClients.create(config.gcs(), config.timeout()), bucket, prefix);
    }
}
