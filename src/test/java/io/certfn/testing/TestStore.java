package io.certfn.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certfn.store.ChecksummedStore;
import io.certfn.store.ObjectStore;
import io.certfn.store.Versioned;
import io.certfn.store.file.FileObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

/**
 * A certfn store folder read and changed as certfn would: the Quarkus tests' ({@link
 * AcmeStackResource}) by default, or a packaged process's given by its path.
 */
public final class TestStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestStore() {
    }

    public static Path dir() {
        return Path.of(System.getProperty(AcmeStackResource.STORE_DIR));
    }

    public static ObjectStore store() {
        return store(dir());
    }

    public static ObjectStore store(Path dir) {
        return new ChecksummedStore(new FileObjectStore(dir), Clock.systemUTC());
    }

    /** The store key of the certificate whose primary name is {@code name}. */
    public static String certificateKey(String name) {
        return certificateKey(store(), name);
    }

    /** The store key of the certificate whose primary name is {@code name}, in {@code store}. */
    public static String certificateKey(ObjectStore store, String name) {
        return objectKey(store, name, "certificate.json").orElseThrow();
    }

    /** The key of {@code object} (certificate.json, order.json, lease) of the first certificate whose primary name is {@code name}. */
    public static java.util.Optional<String> objectKey(ObjectStore store, String name, String object) {
        return store.list("certs/").stream().filter(k -> k.startsWith("certs/" + name + "-") && k.endsWith("/" + object)).findFirst();
    }

    /** The serial of the stored certificate whose primary name is {@code name}, read without asking certfn. */
    public static String serial(String name) throws IOException {
        return serial(dir(), name);
    }

    public static String serial(Path dir, String name) throws IOException {
        ObjectStore store = store(dir);
        return JSON.readTree(store.get(certificateKey(store, name)).orElseThrow().data()).path("serial").asText();
    }

    /** Simulates time passing: moves the stored certificate's renewAfter into the past. */
    public static void makeDue(String name) throws IOException {
        makeDue(dir(), name);
    }

    public static void makeDue(Path dir, String name) throws IOException {
        ObjectStore store = store(dir);
        makeDueAt(store, certificateKey(store, name));
    }

    /** The certificate object at {@code key} made due a minute ago, indexed as certfn's own saves do. */
    public static void makeDueAt(ObjectStore store, String key) throws IOException {
        Versioned current = store.get(key).orElseThrow();
        ObjectNode json = (ObjectNode) JSON.readTree(current.data());
        Instant due = Instant.now().minusSeconds(60);
        json.put("renewAfter", due.toString());
        // As certfn's own writes do: the due index names the certificate at its new time, before it is written.
        String id = key.substring("certs/".length(), key.length() - "/certificate.json".length());
        store.putIfAbsent(io.certfn.certs.CertificateRepository.dueKey(id, due), new byte[0]);
        if (store.putIfVersion(key, JSON.writeValueAsBytes(json), current.version()).isEmpty()) {
            throw new IllegalStateException(key + " changed while it was made due");
        }
    }
}
