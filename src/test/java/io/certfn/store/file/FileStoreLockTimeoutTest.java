package io.certfn.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.store.StorageUnavailableException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README: {@code certfn.store.timeout} bounds every store call. For the file store that includes
 * the folder's lock, which another process (stuck, or frozen by its host) may hold: the write
 * fails with {@code storage_unavailable} naming the lock and the key, instead of waiting forever.
 */
class FileStoreLockTimeoutTest {

    @TempDir
    Path dir;

    @Test
    void aWriteBehindALockHeldByAnotherProcessFailsAfterTheStoreTimeout() throws Exception {
        FileObjectStore store = new FileObjectStore(dir, Duration.ofMillis(300));
        // POSIX record locks (fcntl), the kind the JDK's FileChannel.lock takes, held by another process.
        Process holder = new ProcessBuilder("python3", "-c", """
                import fcntl, sys, time
                f = open(sys.argv[1], 'a')
                fcntl.lockf(f, fcntl.LOCK_EX)
                print('locked', flush=True)
                time.sleep(120)
                """, dir.resolve(".lock").toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            StorageUnavailableException e = assertThrows(StorageUnavailableException.class,
                    () -> store.putIfAbsent("certs/x/certificate.json", new byte[] {1}));
            assertEquals("storage_unavailable", e.code());
            assertTrue(e.getMessage().contains(".lock") && e.getMessage().contains("certfn.store.timeout"), e.getMessage());
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
        assertTrue(store.putIfAbsent("certs/x/certificate.json", new byte[] {1}).isPresent(), "free again once the holder is gone");
    }
}
