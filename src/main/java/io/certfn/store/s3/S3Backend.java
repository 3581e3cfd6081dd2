package io.certfn.store.s3;

import io.certfn.store.StoreConfig;import io.certfn.store.KeyPrefix;
import io.certfn.store.ObjectStore;
import io.certfn.store.StoreBackend;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** {@code certfn.store.type=s3}: in builds with the AWS SDK. */
@Singleton
@IfBuildProperty(name = "certfn-build.aws", stringValue = "true", enableIfMissing = true)
public class S3Backend implements StoreBackend {

    private static final Logger LOG = Logger.getLogger(S3Backend.class);

    @Override
    public String type() {
        return "s3";
    }

    @Override
    public ObjectStore open(StoreConfig config) {
        String bucket = config.s3().bucket().filter(b -> !b.isBlank()).orElseThrow(() -> new IllegalStateException(
                "certfn.store.s3.bucket is required when certfn.store.type=s3"));
        KeyPrefix prefix = KeyPrefix.of(config.s3().prefix(), "certfn.store.s3.prefix");
        LOG.infof("Store: s3://%s/%s%s", bucket, prefix.listing(""), config.s3().endpoint().map(e -> " at " + e).orElse(""));
        return new S3ObjectStore(S3Clients.create(config.s3(), config.timeout()), bucket, prefix);
    }
}
