package io.certfn.store;

import java.util.List;
import java.util.Optional;

/**
 * The small versioned object store every backend implements (docs/design.md §5). It is certfn's
 * database and its lock: every instance sharing one store is one cluster.
 *
 * <p><b>Keys</b> are built only by {@link StoreKeys}: segments of {@code [a-z0-9._-]} (not starting with a dot) joined by
 * {@code /}, never {@code .} or {@code ..}, at most {@value StoreKeys#MAX_LENGTH} characters.
 * Backends reject anything else with {@link IllegalArgumentException}.
 *
 * <p><b>Conditions.</b> The {@code put*} and {@code delete*} calls are conditional and atomic:
 * of any number of concurrent callers with the same precondition, exactly one succeeds. A
 * failed precondition is a normal answer ({@link Optional#empty()} or {@code false}), not an
 * exception. A reader sees either the old or the new object whole, never a part.
 *
 * <p><b>Failures</b> of the backend itself (unreachable, I/O error) throw
 * {@link StorageUnavailableException}. All calls block; all are safe from many threads and, for
 * shared backends, from many processes.
 */
public interface ObjectStore {

    /** The object at {@code key} with its version, or empty when there is none. */
    Optional<Versioned> get(String key);

    /**
     * Creates {@code key} if nothing is there.
     *
     * @return the new version, or empty when an object already exists (conflict)
     */
    Optional<String> putIfAbsent(String key, byte[] data);

    /**
     * Replaces {@code key} if its current version is {@code version}.
     *
     * @return the new version, or empty when the object is absent or has another version
     */
    Optional<String> putIfVersion(String key, byte[] data, String version);

    /**
     * Deletes {@code key} if its current version is {@code version}.
     *
     * @return true when deleted; false when absent or at another version
     */
    boolean deleteIfVersion(String key, String version);

    /** The keys that start with {@code prefix}, sorted; empty when none. */
    List<String> list(String prefix);

    /**
     * The keys that start with {@code prefix} and sort at or before {@code last}, sorted. The
     * clouds' backends list in key order and stop at {@code last}: what a sweep of the due index
     * costs grows with what is due, not with what is stored.
     */
    default List<String> listThrough(String prefix, String last) {
        return list(prefix).stream().filter(k -> k.compareTo(last) <= 0).toList();
    }
}
