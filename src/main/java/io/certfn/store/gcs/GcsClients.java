package io.certfn.store.gcs;

import io.certfn.store.StoreConfig;import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.time.Duration;

/** Builds the GCS client from {@code certfn.store.gcs.*}: the JSON API over HTTP (no gRPC), the service account. */
public final class GcsClients {

    private GcsClients() {
    }

    /** With {@code host}: a local test server without credentials; otherwise Google with the default credentials. */
    public static Storage create(StoreConfig.Gcs config, Duration timeout) {
        StorageOptions.Builder builder = StorageOptions.http()
                .setRetrySettings(RetrySettings.newBuilder()
                        .setMaxAttempts(3)
                        .setInitialRetryDelayDuration(Duration.ofMillis(200))
                        .setRetryDelayMultiplier(2.0)
                        .setMaxRetryDelayDuration(Duration.ofSeconds(2))
                        .setTotalTimeoutDuration(timeout)
                        .build());
        if (config.host().isPresent()) {
            builder.setHost(config.host().get()).setProjectId("certfn-local").setCredentials(NoCredentials.getInstance());
        }
        return builder.build().getService();
    }
}
