package io.certfn.testing.stores;

import io.certfn.store.StoreConfig;import com.azure.storage.blob.BlobServiceClientBuilder;
import io.certfn.store.ObjectStore;
import io.certfn.store.StoreProducer;
import io.certfn.store.s3.S3Clients;
import io.certfn.testing.Backends;
import io.certfn.testing.TestConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The real backends the tests run against, each started on a free 127.0.0.1 port. */
public final class Stores {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String BUCKET = "certfn-test";

    private Stores() {
    }

    /** Starts the backend named {@code file}, {@code s3}, {@code azure-blob} or {@code gcs}. */
    public static StoreServer start(String type) {
        try {
            return switch (type) {
                case "file" -> folder();
                case "s3" -> moto();
                case "azure-blob" -> azurite();
                case "gcs" -> gcs();
                default -> throw new IllegalArgumentException(type);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The backend {@code config} (certfn.store.* keys) opens, as certfn opens it. */
    public static ObjectStore build(Map<String, String> config) {
        return StoreProducer.backend(TestConfig.of(StoreConfig.class, config), Backends.STORES);
    }

    private static StoreServer folder() throws IOException {
        Path root = Files.createTempDirectory("certfn-store");
        return new Server("file", () -> { }, prefix -> Map.of(
                "certfn.store.type", "file",
                "certfn.store.file.path", root.resolve(prefix.isEmpty() ? "root" : prefix).toString()));
    }

    /**
     * moto 5.x's S3 (If-None-Match / If-Match), one request at a time: moto_server's threads let two
     * of a hundred racing creates win under load (src/test/moto/moto_serialized.py says why).
     */
    private static StoreServer moto() throws IOException, InterruptedException {
        LocalServer moto = LocalServer.start("moto", List.of("python3",
                Path.of("src/test/moto/moto_serialized.py").toAbsolutePath().toString(), "127.0.0.1", "{port}"));
        // moto accepts any credentials; the default chain reads these system properties in this JVM
        // and the environment variables in certfn processes.
        io.certfn.testing.SystemProperties credentials = io.certfn.testing.SystemProperties.set(
                "aws.accessKeyId", "test", "aws.secretAccessKey", "test-secret");
        String endpoint = "http://127.0.0.1:" + moto.port();
        Server server = new Server("s3", () -> {
            moto.close();
            credentials.close(); // the next test class in this JVM runs without them
        }, prefix -> Map.of(
                "certfn.store.type", "s3",
                "certfn.store.s3.bucket", BUCKET,
                "certfn.store.s3.endpoint", endpoint,
                "certfn.store.s3.region", "us-east-1",
                "certfn.store.s3.prefix", prefix,
                "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test-secret"));
        try (var s3 = S3Clients.create(TestConfig.of(StoreConfig.class, server.certfnConfig("")).s3(), TIMEOUT)) {
            s3.createBucket(b -> b.bucket(BUCKET));
        }
        return server;
    }

    /** Azurite 3.35 from npm (src/test/azurite), in memory, with the emulator's published development account. */
    private static StoreServer azurite() throws IOException, InterruptedException {
        String bin = Path.of("src/test/azurite/node_modules/.bin/azurite-blob").toAbsolutePath().toString();
        LocalServer azurite = LocalServer.start("azurite", List.of(bin, "--blobHost", "127.0.0.1", "--blobPort", "{port}",
                "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--silent"));
        String connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                + "BlobEndpoint=http://127.0.0.1:" + azurite.port() + "/devstoreaccount1;";
        new BlobServiceClientBuilder().connectionString(connection).buildClient().createBlobContainer(BUCKET);
        return new Server("azure-blob", azurite::close, prefix -> Map.of(
                "certfn.store.type", "azure-blob",
                "certfn.store.azure.container", BUCKET,
                "certfn.store.azure.connection-string", connection,
                "certfn.store.azure.prefix", prefix));
    }

    private static StoreServer gcs() throws IOException {
        FakeGcsServer fake = FakeGcsServer.start(BUCKET);
        return new Server("gcs", fake::close, prefix -> Map.of(
                "certfn.store.type", "gcs",
                "certfn.store.gcs.bucket", BUCKET,
                "certfn.store.gcs.host", fake.url(),
                "certfn.store.gcs.prefix", prefix)) {
            @Override
            public void failWith(int status) {
                fake.failWith(status);
            }
        };
    }

    /** One started backend. */
    private static class Server implements StoreServer {
        private final String name;
        private final Runnable stop;
        private final java.util.function.Function<String, Map<String, String>> config;

        Server(String name, Runnable stop, java.util.function.Function<String, Map<String, String>> config) {
            this.name = name;
            this.stop = stop;
            this.config = config;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Map<String, String> certfnConfig(String prefix) {
            return new HashMap<>(config.apply(prefix));
        }

        @Override
        public ObjectStore backend(String prefix) {
            return build(certfnConfig(prefix));
        }

        @Override
        public void failWith(int status) {
            throw new UnsupportedOperationException(name + " cannot be made to fail");
        }

        @Override
        public void close() {
            stop.run();
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
