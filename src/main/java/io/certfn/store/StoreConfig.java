package io.certfn.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code certfn.store.*}: where certificates, keys, orders and leases live, their sealing and the
 * in-memory cache in front of the store.
 */
@ConfigMapping(prefix = "certfn.store")
public interface StoreConfig {
    /** {@code certfn.store.type}: {@code file}, {@code s3}, {@code azure-blob} or {@code gcs}. */
    @WithDefault("file")
    String type();

    /** {@code certfn.store.file.*}: the local folder backend. */
    File file();

    /** {@code certfn.store.s3.*}: Amazon S3 or an S3-compatible server. */
    S3 s3();

    /** {@code certfn.store.azure.*}: Azure Blob Storage. */
    Azure azure();

    /** {@code certfn.store.gcs.*}: Google Cloud Storage. */
    Gcs gcs();

    /**
     * {@code certfn.store.timeout}: the most one store call may take, retries included;
     * after it the request fails with 503 {@code storage_unavailable}.
     */
    @WithDefault("15s")
    Duration timeout();

    /**
     * {@code certfn.store.encryption-key}: base64 of 32 random bytes; when set, private keys
     * are sealed with AES-256-GCM before they are stored. Secret.
     */
    @WithName("encryption-key")
    Optional<String> encryptionKey();

    /**
     * {@code certfn.store.encryption-key-previous}: the key being rotated out; objects sealed
     * with it stay readable, new ones are sealed with {@code encryption-key}. Secret.
     */
    @WithName("encryption-key-previous")
    Optional<String> encryptionKeyPrevious();

    /**
     * {@code certfn.store.cache-ttl}: how long an instance serves a certificate it read from
     * the store without reading again ({@code 0s}: always read). Another instance's renewal
     * is seen at most this late; the certificate served meanwhile is still valid.
     */
    @WithName("cache-ttl")
    @WithDefault("10s")
    Duration cacheTtl();

    /**
     * {@code certfn.store.cache-memory}: the heap an instance gives to certificates it keeps in
     * memory, half to stored certificates it read, half to rendered answers (e.g. {@code 24M});
     * a half that fills up starts over. Default: a quarter of the JVM's maximum heap, at most
     * 64 MB — 24 MB in a 256 MB function at {@code -Xmx96m}.
     */
    @WithName("cache-memory")
    Optional<io.quarkus.runtime.configuration.MemorySize> cacheMemory();

    interface File {
        /** {@code certfn.store.file.path}: the folder; shared folders make one cluster. */
        @WithDefault("./.certfn")
        Path path();
    }

    interface S3 {
        /** {@code certfn.store.s3.bucket}: required with {@code type=s3}. */
        Optional<String> bucket();

        /** {@code certfn.store.s3.region}: default: the SDK's region chain ({@code AWS_REGION} on Lambda). */
        Optional<String> region();

        /** {@code certfn.store.s3.endpoint}: for S3-compatible servers (path-style addressing). */
        Optional<String> endpoint();

        /** {@code certfn.store.s3.prefix}: a folder inside the bucket for all of certfn's objects. */
        Optional<String> prefix();
    }

    interface Azure {
        /** {@code certfn.store.azure.container}: required with {@code type=azure-blob}. */
        Optional<String> container();

        /**
         * {@code certfn.store.azure.endpoint}: {@code https://<account>.blob.core.windows.net};
         * credentials from the managed identity (DefaultAzureCredential).
         */
        Optional<String> endpoint();

        /** {@code certfn.store.azure.connection-string}: account key auth, for local testing (Azurite). Secret. */
        @WithName("connection-string")
        Optional<String> connectionString();

        /** {@code certfn.store.azure.prefix}: a folder inside the container. */
        Optional<String> prefix();
    }

    interface Gcs {
        /** {@code certfn.store.gcs.bucket}: required with {@code type=gcs}. */
        Optional<String> bucket();

        /** {@code certfn.store.gcs.host}: a local JSON-API server instead of Google (tests; no credentials then). */
        Optional<String> host();

        /** {@code certfn.store.gcs.prefix}: a folder inside the bucket. */
        Optional<String> prefix();
    }
}
