package io.certfn.store.file;

import io.certfn.store.ObjectStore;
import io.certfn.store.StorageUnavailableException;
import io.certfn.store.StoreKeys;
import io.certfn.store.Versioned;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The local-folder backend. Each object is one file whose first line holds its version; it is
 * replaced only by an atomic rename of a fully written and synced temporary file, so readers
 * never see part of an object and a crash leaves the old or the new object, never a mix.
 *
 * <p>Conditional writes check and rename while holding {@code <root>/.lock}: an OS file lock
 * (shared with other processes on the same folder) plus a JVM-wide lock per folder (the OS lock
 * is per process). Reads take no lock.
 *
 * <p>The store holds private keys (in clear unless a data key is set): where the file system has
 * POSIX permissions, its folders are created {@code 0700} and its files {@code 0600}, and the root
 * folder is narrowed to {@code 0700}.
 *
 * <p>Longer than ~250 lines because the folder backend must give the same conditional, versioned
 * semantics the cloud stores give natively (atomic rename, a process lock plus a file lock with a
 * time-out, private permissions, listing in key order).
 */
public final class FileObjectStore implements ObjectStore {

    private static final String HEADER = "certfn-object 1 ";
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final FileAttribute<?>[] PRIVATE_DIR = POSIX
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
            : new FileAttribute<?>[0];
    private static final FileAttribute<?>[] PRIVATE_FILE = POSIX
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
            : new FileAttribute<?>[0];

    private final Path root;
    private final Path tmp;
    private final Path lockFile;
    private final ReentrantLock jvmLock;
    private final java.time.Duration timeout;

    /** Opens (and creates if needed) the store folder {@code root}; a write waits for the lock up to 15 s. */
    public FileObjectStore(Path root) {
        this(root, java.time.Duration.ofSeconds(15));
    }

    /**
     * Opens (and creates if needed) the store folder {@code root}; a write that cannot have the
     * folder's lock within {@code timeout} ({@code certfn.store.timeout}) fails as the other
     * backends' calls do, instead of waiting forever behind a stuck process.
     */
    public FileObjectStore(Path root, java.time.Duration timeout) {
        this.timeout = timeout;
        this.root = root.toAbsolutePath().normalize();
        this.tmp = this.root.resolve(".tmp");
        this.lockFile = this.root.resolve(".lock");
        this.jvmLock = JVM_LOCKS.computeIfAbsent(this.root, p -> new ReentrantLock());
        try {
            Files.createDirectories(tmp, PRIVATE_DIR);
            if (POSIX) {
                Files.setPosixFilePermissions(this.root, PosixFilePermissions.fromString("rwx------"));
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new StorageUnavailableException("The store folder " + this.root + " cannot be created: " + e, e);
        }
    }

    @Override
    public Optional<Versioned> get(String key) {
        Path file = path(key);
        try {
            return Optional.of(decode(key, Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", key, e);
        }
    }

    @Override
    public Optional<String> putIfAbsent(String key, byte[] data) {
        return write(key, data, null);
    }

    @Override
    public Optional<String> putIfVersion(String key, byte[] data, String version) {
        return write(key, data, version);
    }

    @Override
    public boolean deleteIfVersion(String key, String version) {
        Path file = path(key);
        try {
            boolean deleted = locked(() -> {
                if (!version.equals(currentVersion(key, file))) {
                    return false;
                }
                Files.delete(file);
                return true;
            });
            if (deleted) {
                syncDirectory(file.getParent()); // outside the lock, as after a write
            }
            return deleted;
        } catch (IOException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        StoreKeys.checkPrefix(prefix);
        // Only the folder the prefix names is walked: listing due/ must not read every certificate's folder.
        Path start = prefix.contains("/") ? root.resolve(prefix.substring(0, prefix.lastIndexOf('/'))) : root;
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(start)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/"))
                    .filter(k -> !k.startsWith("."))
                    .filter(k -> k.startsWith(prefix))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw failure("list", prefix, e);
        }
    }

    /** Writes {@code data} if the current version is {@code expected} (null: must be absent). */
    private Optional<String> write(String key, byte[] data, String expected) {
        Path file = path(key);
        String version = UUID.randomUUID().toString().replace("-", "");
        Path staged = tmp.resolve(version);
        try {
            stage(staged, version, data);
            Optional<String> result = locked(() -> {
                String current = currentVersion(key, file);
                boolean allowed = expected == null ? current == null : expected.equals(current);
                if (!allowed) {
                    return Optional.<String>empty();
                }
                Files.createDirectories(file.getParent(), PRIVATE_DIR);
                Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return Optional.of(version);
            });
            if (result.isPresent()) {
                // Synced after the lock is let go: the rename is already atomic and visible, and the write is
                // acknowledged only once it is durable. Under the lock, every writer on the folder (both
                // processes of a shared folder) would wait for each one's disk sync in turn.
                syncDirectory(file.getParent());
            } else {
                Files.deleteIfExists(staged);
            }
            return result;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException ignored) {
                // the staged file is garbage either way; the original failure is what matters
            }
            throw failure("write", key, e);
        }
    }

    private static void stage(Path staged, String version, byte[] data) throws IOException {
        try (FileChannel ch = FileChannel.open(staged, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), PRIVATE_FILE)) {
            ch.write(ByteBuffer.wrap((HEADER + version + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer body = ByteBuffer.wrap(data);
            while (body.hasRemaining()) {
                ch.write(body);
            }
            ch.force(true);
        }
    }

    private String currentVersion(String key, Path file) throws IOException {
        try {
            return decode(key, Files.readAllBytes(file)).version();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static Versioned decode(String key, byte[] raw) throws IOException {
        int eol = -1;
        for (int i = 0; i < raw.length && i < 128; i++) {
            if (raw[i] == '\n') {
                eol = i;
                break;
            }
        }
        String header = eol < 0 ? "" : new String(raw, 0, eol, StandardCharsets.US_ASCII);
        if (!header.startsWith(HEADER)) {
            throw new IOException("object '" + key + "' has no certfn header (written by something else?)");
        }
        return new Versioned(Arrays.copyOfRange(raw, eol + 1, raw.length), header.substring(HEADER.length()));
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync directories; the rename itself is still atomic.
        }
    }

    private interface IoAction<T> {
        T run() throws IOException;
    }

    private <T> T locked(IoAction<T> action) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!jvmLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw lockTimeout();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("Interrupted while waiting for the store folder's lock " + lockFile, e);
        }
        try (FileChannel ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), PRIVATE_FILE);
             var osLock = osLock(ch, deadline)) {
            return action.run();
        } finally {
            jvmLock.unlock();
        }
    }

    /**
     * The OS lock, tried until {@code deadline}: FileChannel.lock has no timeout, and a stuck process would hold every write.
     * The other process holds it for one check and rename (well under a millisecond), so it is looked at again within
     * 0.1–1 ms: pauses that grew to 50 ms kept all of this process's writers queued long after the lock was free.
     */
    private java.nio.channels.FileLock osLock(FileChannel ch, long deadline) throws IOException {
        long pauseNanos = 100_000;
        while (true) {
            java.nio.channels.FileLock lock = ch.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() > deadline) {
                throw lockTimeout();
            }
            LockSupport.parkNanos(pauseNanos);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new StorageUnavailableException("Interrupted while waiting for the store folder's lock " + lockFile, null);
            }
            pauseNanos = Math.min(pauseNanos * 2, 1_000_000);
        }
    }

    private StorageUnavailableException lockTimeout() {
        return new StorageUnavailableException("The store folder's lock " + lockFile + " was held by another process or thread for more than "
                + timeout.toSeconds() + " s (certfn.store.timeout); is a process stuck, or is the folder on NFS?", null);
    }

    private Path path(String key) {
        return root.resolve(StoreKeys.check(key));
    }

    private StorageUnavailableException failure(String op, String key, IOException e) {
        if (e instanceof FileAlreadyExistsException) {
            return new StorageUnavailableException("Cannot " + op + " '" + key + "': a folder of that name is in the way", e);
        }
        return new StorageUnavailableException("Cannot " + op + " '" + key + "' in " + root + ": " + e.getMessage(), e);
    }
}
