package io.certfn.store.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.store.Versioned;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileObjectStoreTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void absentKeyIsEmpty() {
        FileObjectStore store = new FileObjectStore(dir);
        assertTrue(store.get("certs/none/certificate.json").isEmpty());
        assertFalse(store.deleteIfVersion("certs/none", "v"));
        assertTrue(store.putIfVersion("certs/none", bytes("x"), "v").isEmpty());
    }

    @Test
    void createsOnlyWhenAbsent() {
        FileObjectStore store = new FileObjectStore(dir);
        Optional<String> v1 = store.putIfAbsent("a/b", bytes("one"));
        assertTrue(v1.isPresent());
        assertTrue(store.putIfAbsent("a/b", bytes("two")).isEmpty());
        Versioned read = store.get("a/b").orElseThrow();
        assertArrayEquals(bytes("one"), read.data());
        assertEquals(v1.get(), read.version());
    }

    @Test
    void replacesOnlyAtTheExpectedVersion() {
        FileObjectStore store = new FileObjectStore(dir);
        String v1 = store.putIfAbsent("k", bytes("one")).orElseThrow();
        String v2 = store.putIfVersion("k", bytes("two"), v1).orElseThrow();
        assertTrue(store.putIfVersion("k", bytes("stale"), v1).isEmpty(), "stale version loses");
        assertArrayEquals(bytes("two"), store.get("k").orElseThrow().data());
        assertFalse(store.deleteIfVersion("k", v1));
        assertTrue(store.deleteIfVersion("k", v2));
        assertTrue(store.get("k").isEmpty());
    }

    @Test
    void listsByPrefixSortedWithoutInternalFiles() {
        FileObjectStore store = new FileObjectStore(dir);
        store.putIfAbsent("certs/b/certificate.json", bytes("1"));
        store.putIfAbsent("certs/a/certificate.json", bytes("1"));
        store.putIfAbsent("acme/account.json", bytes("1"));
        assertEquals(List.of("certs/a/certificate.json", "certs/b/certificate.json"), store.list("certs/"));
        assertEquals(3, store.list("").size());
    }

    @Test
    void aSecondInstanceOnTheFolderSeesTheSameObjects() {
        String v = new FileObjectStore(dir).putIfAbsent("shared", bytes("x")).orElseThrow();
        assertEquals(v, new FileObjectStore(dir).get("shared").orElseThrow().version());
    }

    @Test
    void emptyObjectsAndBinaryDataSurvive() {
        FileObjectStore store = new FileObjectStore(dir);
        store.putIfAbsent("empty", new byte[0]);
        assertEquals(0, store.get("empty").orElseThrow().data().length);
        byte[] binary = {0, '\n', (byte) 0xff, 'c'};
        store.putIfAbsent("binary", binary);
        assertArrayEquals(binary, store.get("binary").orElseThrow().data());
    }

    @Test
    void aForeignFileIsReportedNotServed() throws Exception {
        Files.writeString(dir.resolve("foreign"), "hello");
        FileObjectStore store = new FileObjectStore(dir);
        assertThrows(io.certfn.store.StorageUnavailableException.class, () -> store.get("foreign"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/../../b", "/abs", "a//b", ".hidden", "a/./b", "UPPER", "sp ace", "a/", "", "semi;colon"})
    void rejectsUnsafeKeys(String key) {
        FileObjectStore store = new FileObjectStore(dir);
        assertThrows(IllegalArgumentException.class, () -> store.putIfAbsent(key, bytes("x")));
        assertThrows(IllegalArgumentException.class, () -> store.get(key));
    }

    @Test
    void rejectsOverlongKeys() {
        FileObjectStore store = new FileObjectStore(dir);
        String longKey = ("a".repeat(100) + "/").repeat(6) + "b";
        assertThrows(IllegalArgumentException.class, () -> store.get(longKey));
        assertThrows(IllegalArgumentException.class, () -> store.get("a".repeat(129)));
    }

    @Test
    void exactlyOneOfAHundredConcurrentCreatesWins() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        assertEquals(1, race(100, i -> store.putIfAbsent("race/create", bytes("writer " + i)).isPresent()));
    }

    @Test
    void exactlyOneOfAHundredConcurrentSwapsWins() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        String v = store.putIfAbsent("race/cas", bytes("start")).orElseThrow();
        assertEquals(1, race(100, i -> store.putIfVersion("race/cas", bytes("writer " + i), v).isPresent()));
    }

    interface Attempt {
        boolean run(int i) throws Exception;
    }

    static int race(int writers, Attempt attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int n = i;
            results.add(pool.submit(() -> {
                start.await();
                return attempt.run(n);
            }));
        }
        start.countDown();
        int wins = 0;
        for (Future<Boolean> f : results) {
            wins += f.get() ? 1 : 0;
        }
        pool.shutdown();
        return wins;
    }
}
