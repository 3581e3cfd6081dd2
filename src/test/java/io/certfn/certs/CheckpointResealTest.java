package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.certfn.acme.PendingOrder;
import io.certfn.crypto.KeySealer;
import io.certfn.store.ObjectStore;
import io.certfn.store.file.FileObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An order checkpoint an older release wrote with its private key in clear is sealed the first time
 * it is read, not when the order ends: a bucket reader (and the bucket's old versions) stops seeing it.
 */
class CheckpointResealTest {

    private static final String DATA_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_PEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n";

    @Test
    void aCheckpointWrittenInClearIsSealedWhenRead() throws Exception {
        ObjectStore store = new FileObjectStore(Files.createTempDirectory("checkpoint"));
        ObjectMapper json = new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        String key = "certs/old.example.com-1/order.json";
        PendingOrder clear = new PendingOrder("https://ca.example/order/1", KEY_PEM, Instant.parse("2026-12-01T00:00:00Z"), "https://ca.example/dir");
        store.putIfAbsent(key, json.writeValueAsBytes(clear));

        CertificateRepository repository = new CertificateRepository(store, json, KeySealer.of(Optional.of(DATA_KEY), Optional.empty()));
        PendingOrder loaded = repository.checkpoint("old.example.com-1").load().orElseThrow();
        assertEquals(KEY_PEM, loaded.keyPair(), "the order resumes with its key");

        String raw = new String(store.get(key).orElseThrow().data(), StandardCharsets.UTF_8);
        assertFalse(raw.contains("PRIVATE KEY"), raw);
        assertTrue(raw.contains("sealed:v1:"), raw);
        assertEquals(KEY_PEM, repository.checkpoint("old.example.com-1").load().orElseThrow().keyPair(), "and still opens");
    }
}
