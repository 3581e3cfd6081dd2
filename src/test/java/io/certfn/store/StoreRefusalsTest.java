package io.certfn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.certfn.testing.SystemProperties;
import io.certfn.testing.stores.StoreServer;
import io.certfn.testing.stores.Stores;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * README (Stores): refused credentials give {@code storage_unavailable} whose detail names the
 * permission or role the function's identity needs, never the secret.
 */
class StoreRefusalsTest {

    private static void assertNamesWhatIsNeeded(StorageUnavailableException e, String needed, String secret) {
        assertEquals("storage_unavailable", e.code());
        assertTrue(e.getMessage().contains(needed), e.getMessage());
        assertFalse(e.getMessage().contains(secret), "never the secret: " + e.getMessage());
    }

    @Test
    void azuriteRefusingTheAccountKeyNamesTheRole() {
        try (StoreServer azurite = Stores.start("azure-blob")) {
            Map<String, String> config = azurite.certfnConfig("refused");
            String wrongKey = java.util.Base64.getEncoder().encodeToString("not the account key of devstoreaccount1".getBytes(StandardCharsets.UTF_8));
            config.put("certfn.store.azure.connection-string",
                    config.get("certfn.store.azure.connection-string").replaceAll("AccountKey=[^;]+", "AccountKey=" + wrongKey));
            ObjectStore store = Stores.build(config);
            StorageUnavailableException e = assertThrows(StorageUnavailableException.class, () -> store.get("certs/x/certificate.json"));
            assertNamesWhatIsNeeded(e, "Storage Blob Data Contributor", wrongKey);
        }
    }

    @Test
    void gcsRefusingTheServiceAccountNamesTheRole() {
        try (StoreServer gcs = Stores.start("gcs")) {
            ObjectStore store = gcs.backend("refused");
            gcs.failWith(403);
            StorageUnavailableException e = assertThrows(StorageUnavailableException.class, () -> store.get("certs/x/certificate.json"));
            gcs.failWith(0);
            assertNamesWhatIsNeeded(e, "roles/storage.objectUser", "never-a-secret");
        }
    }

    /** S3 as its error reference answers a role without the permission: 403 with an {@code <Error>} document. */
    @Test
    void s3RefusingTheRoleNamesThePermissions() throws Exception {
        HttpServer s3 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s3.createContext("/", exchange -> {
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
                    + "<RequestId>r-1</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        s3.start();
        try (SystemProperties credentials = SystemProperties.set("aws.accessKeyId", "AKIDS3", "aws.secretAccessKey", "s3-secret-never-shown")) {
            ObjectStore store = Stores.build(Map.of("certfn.store.type", "s3", "certfn.store.s3.bucket", "certfn-refused",
                    "certfn.store.s3.endpoint", "http://127.0.0.1:" + s3.getAddress().getPort()));
            StorageUnavailableException e = assertThrows(StorageUnavailableException.class,
                    () -> store.putIfAbsent("certs/x/certificate.json", new byte[] {1}));
            assertNamesWhatIsNeeded(e, "s3:PutObject", "s3-secret-never-shown");
            assertTrue(e.getMessage().contains("s3://certfn-refused/"), e.getMessage());
        } finally {
            s3.stop(0);
        }
    }
}
