package io.certfn.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.certfn.store.StorageUnavailableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the folder backend has; the shared contract is {@code FileStoreContractTest}. */
class FileObjectStoreTest {

    @TempDir
    Path dir;

    @Test
    void aSecondInstanceOnTheFolderSeesTheSameObjects() {
        String v = new FileObjectStore(dir).putIfAbsent("shared", "x".getBytes(StandardCharsets.UTF_8)).orElseThrow();
        assertEquals(v, new FileObjectStore(dir).get("shared").orElseThrow().version());
    }

    @Test
    void itsOwnWorkingFilesAreNotListed() {
        FileObjectStore store = new FileObjectStore(dir);
        store.putIfAbsent("a", new byte[0]);
        assertEquals(List.of("a"), store.list(""));
    }

    @Test
    void aFileWithoutAVersionHeaderIsReportedNotServed() throws Exception {
        Files.writeString(dir.resolve("foreign"), "hello");
        FileObjectStore store = new FileObjectStore(dir);
        assertThrows(StorageUnavailableException.class, () -> store.get("foreign"));
    }
}
