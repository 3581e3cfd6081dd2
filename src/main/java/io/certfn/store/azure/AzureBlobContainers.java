package io.certfn.store.azure;

import io.certfn.store.StoreConfig;import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.certfn.cloud.sdk.AzureCredentials;
import java.time.Duration;

/** Builds the container client from {@code certfn.store.azure.*}: the JDK HTTP client, the managed identity. */
public final class AzureBlobContainers {

    private AzureBlobContainers() {
    }

    /**
     * With a connection string: account-key auth (Azurite, local runs). Otherwise the endpoint and
     * DefaultAzureCredential, which is the managed identity on Azure Functions.
     */
    public static BlobContainerClient create(StoreConfig.Azure config, Duration timeout) {
        String container = config.container().orElseThrow(() -> new IllegalStateException(
                "certfn.store.azure.container is required when certfn.store.type=azure-blob"));
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
                .httpClient(new JdkHttpClientBuilder().connectionTimeout(Duration.ofSeconds(3)).build())
                // 3 tries, exponential backoff from 200 ms, each try bounded; the call as a whole by `timeout`.
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3, timeout,
                        Duration.ofMillis(200), Duration.ofSeconds(2), null));
        if (config.connectionString().isPresent()) {
            builder.connectionString(config.connectionString().get());
        } else if (config.endpoint().isPresent()) {
            builder.endpoint(config.endpoint().get()).credential(AzureCredentials.defaultChain());
        } else {
            throw new IllegalStateException("certfn.store.azure.endpoint (https://<account>.blob.core.windows.net) "
                    + "or certfn.store.azure.connection-string is required when certfn.store.type=azure-blob");
        }
        return builder.buildClient().getBlobContainerClient(container);
    }
}
