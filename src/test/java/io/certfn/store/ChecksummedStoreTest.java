package io.certfn.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.store.file.FileObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksummedStoreTest {

    @TempDir
    Path dir;

    private FileObjectStore backend;
    private ChecksummedStore store;

    @BeforeEach
    void open() {
        backend = new FileObjectStore(dir);
        store = new ChecksummedStore(backend, Clock.systemUTC());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void storesAHeaderWithLengthChecksumAndWriteIdAndReadsThePayloadBack() {
        store.putIfAbsent("k", bytes("{\"a\":1}")).orElseThrow();
        String raw = new String(backend.get("k").orElseThrow().data(), StandardCharsets.UTF_8);
        assertTrue(raw.matches("certfn-object v1 sha256=[0-9a-f]{64} length=7 write=[0-9a-f]{16}\n\\{\"a\":1}"), raw);
        assertArrayEquals(bytes("{\"a\":1}"), store.get("k").orElseThrow().data());
    }

    @Test
    void equalPayloadsWrittenTwiceAreDifferentObjects() {
        String v1 = store.putIfAbsent("k", bytes("same")).orElseThrow();
        byte[] first = backend.get("k").orElseThrow().data();
        store.putIfVersion("k", bytes("same"), v1).orElseThrow();
        assertNotEquals(new String(first, StandardCharsets.UTF_8),
                new String(backend.get("k").orElseThrow().data(), StandardCharsets.UTF_8));
    }

    @Test
    void aTruncatedObjectReadsAsAbsentIsQuarantinedAndCanBeRebuilt() {
        store.putIfAbsent("certs/x/certificate.json", bytes("a whole certificate")).orElseThrow();
        Versioned whole = backend.get("certs/x/certificate.json").orElseThrow();
        backend.putIfVersion("certs/x/certificate.json", Arrays.copyOf(whole.data(), whole.data().length - 5), whole.version());

        assertTrue(store.get("certs/x/certificate.json").isEmpty());
        assertTrue(backend.get("certs/x/certificate.json").isEmpty(), "the damaged object is removed");
        List<String> quarantined = backend.list("quarantine/");
        assertEquals(1, quarantined.size());
        assertTrue(quarantined.get(0).startsWith("quarantine/certs/x/certificate.json."));
        assertTrue(store.putIfAbsent("certs/x/certificate.json", bytes("rebuilt")).isPresent());
    }

    @Test
    void aCorruptObjectWhoseCopyFailsIsKeptAndTheReadIsAnOutage() {
        store.putIfAbsent("certs/x/certificate.json", bytes("a whole certificate and its key")).orElseThrow();
        Versioned whole = backend.get("certs/x/certificate.json").orElseThrow();
        backend.putIfVersion("certs/x/certificate.json", Arrays.copyOf(whole.data(), whole.data().length - 5), whole.version());
        ObjectStore noQuarantine = new ForwardingStore(backend) {
            @Override
            public Optional<String> putIfAbsent(String key, byte[] data) {
                if (key.startsWith("quarantine/")) {
                    throw new StorageUnavailableException("quota exceeded", null);
                }
                return super.putIfAbsent(key, data);
            }
        };
        ChecksummedStore failing = new ChecksummedStore(noQuarantine, Clock.systemUTC());
        StorageUnavailableException e = assertThrows(StorageUnavailableException.class, () -> failing.get("certs/x/certificate.json"));
        assertTrue(e.getMessage().contains("could not be copied") && e.getMessage().contains("quota exceeded"), e.getMessage());
        assertTrue(backend.get("certs/x/certificate.json").isPresent(), "nothing is deleted that was not copied");
        assertEquals(List.of(), backend.list("quarantine/"));
        // Once the copy works, the object is quarantined and removed as before.
        assertTrue(store.get("certs/x/certificate.json").isEmpty());
        assertEquals(1, backend.list("quarantine/").size());
    }

    @Test
    void aFlippedBitOrAForeignObjectIsNeverReturned() {
        store.putIfAbsent("a", bytes("payload")).orElseThrow();
        Versioned whole = backend.get("a").orElseThrow();
        byte[] flipped = whole.data().clone();
        flipped[flipped.length - 1] ^= 1;
        backend.putIfVersion("a", flipped, whole.version());
        backend.putIfAbsent("b", bytes("no header at all"));
        backend.putIfAbsent("c", bytes("certfn-object v1 sha256=zz length=1 write=00\nx"));
        assertTrue(store.get("a").isEmpty());
        assertTrue(store.get("b").isEmpty());
        assertTrue(store.get("c").isEmpty());
        assertEquals(3, backend.list("quarantine/").size());
    }

    @Test
    void aWriteTheBackendAppliedButReportedAsConflictIsRecognisedAsOwn() {
        // A retried request after a lost answer meets its own write: If-None-Match fails on it.
        ObjectStore lossy = new ForwardingStore(backend) {
            @Override
            public Optional<String> putIfAbsent(String key, byte[] data) {
                backend.putIfAbsent(key, data);
                return Optional.empty();
            }
        };
        ChecksummedStore checked = new ChecksummedStore(lossy, Clock.systemUTC());
        Optional<String> version = checked.putIfAbsent("k", bytes("mine"));
        assertEquals(backend.get("k").orElseThrow().version(), version.orElseThrow());
        assertTrue(checked.putIfAbsent("k", bytes("theirs")).isEmpty(), "another writer's object is still a conflict");
    }

    @Test
    void externalObjectsAreReadAsTheyAreButFramedOnesAreVerified() {
        backend.putIfAbsent("policy.yaml", bytes("rules: []"));
        assertArrayEquals(bytes("rules: []"), store.getExternal("policy.yaml").orElseThrow());
        store.putIfAbsent("framed", bytes("x"));
        assertArrayEquals(bytes("x"), store.getExternal("framed").orElseThrow());
        Versioned framed = backend.get("framed").orElseThrow();
        backend.putIfVersion("framed", Arrays.copyOf(framed.data(), framed.data().length - 1), framed.version());
        assertThrows(StorageUnavailableException.class, () -> store.getExternal("framed"));
    }
}
