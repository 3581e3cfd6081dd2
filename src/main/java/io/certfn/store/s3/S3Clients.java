package io.certfn.store.s3;

import io.certfn.store.StoreConfig;import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the S3 client from {@code certfn.store.s3.*}: the JDK URL-connection transport, the default credential chain. */
public final class S3Clients {

    private S3Clients() {
    }

    /** A client for the configured endpoint and region; credentials from the SDK's default chain (the Lambda role). */
    public static S3Client create(StoreConfig.S3 config, Duration timeout) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(timeout)
                        .build())
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        // STANDARD: 3 attempts with jittered backoff on throttling and 5xx.
                        .retryStrategy(RetryMode.STANDARD)
                        .apiCallTimeout(timeout)
                        .build());
        if (config.endpoint().isPresent()) {
            // S3-compatible servers rarely have per-bucket DNS names.
            builder.endpointOverride(URI.create(config.endpoint().get())).forcePathStyle(true);
            builder.region(Region.of(config.region().orElse("us-east-1")));
        } else {
            config.region().map(Region::of).ifPresent(builder::region);
        }
        try {
            return builder.build();
        } catch (RuntimeException e) {
            throw new IllegalStateException("The S3 client cannot be built (set certfn.store.s3.region or AWS_REGION?): "
                    + e.getMessage(), e);
        }
    }
}
