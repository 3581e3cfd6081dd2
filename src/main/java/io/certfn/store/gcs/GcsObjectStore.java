package io.certfn.store.gcs;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.certfn.store.KeyPrefix;
import io.certfn.store.ObjectStore;
import io.certfn.store.StorageUnavailableException;
import io.certfn.store.Versioned;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Google Cloud Storage with generation preconditions: {@code ifGenerationMatch=0} creates,
 * {@code ifGenerationMatch=<generation>} replaces and deletes. The generation is the version;
 * GCS gives every write a new one.
 */
public final class GcsObjectStore implements ObjectStore {

    /** Reads race with writes: a generation read in the metadata may be replaced before its bytes are fetched. */
    private static final int READ_ATTEMPTS = 5;

    private final Storage storage;
    private final String bucket;
    private final KeyPrefix prefix;

    public GcsObjectStore(Storage storage, String bucket, KeyPrefix prefix) {
        this.storage = storage;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    @Override
    public Optional<Versioned> get(String key) {
        String name = prefix.name(key);
        try {
            for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
                Blob blob = storage.get(BlobId.of(bucket, name));
                if (blob == null) {
                    return Optional.empty();
                }
                try {
                    // Reading that exact generation pairs the bytes with the version reported.
                    byte[] data = storage.readAllBytes(BlobId.of(bucket, name, blob.getGeneration()));
                    return Optional.of(new Versioned(data, Long.toString(blob.getGeneration())));
                } catch (StorageException e) {
                    if (e.getCode() != 404) {
                        throw e;
                    }
                }
            }
            throw new StorageUnavailableException("gs://" + bucket + "/" + name + " kept changing while it was read", null);
        } catch (StorageException e) {
            throw failure("read", name, e);
        }
    }

    @Override
    public Optional<String> putIfAbsent(String key, byte[] data) {
        return put(key, data, 0L);
    }

    @Override
    public Optional<String> putIfVersion(String key, byte[] data, String version) {
        return put(key, data, generation(version));
    }

    private Optional<String> put(String key, byte[] data, long generation) {
        String name = prefix.name(key);
        try {
            BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, name, generation))
                    .setContentType("application/octet-stream").build();
            Blob written = storage.create(info, data, Storage.BlobTargetOption.generationMatch());
            return Optional.of(Long.toString(written.getGeneration()));
        } catch (StorageException e) {
            if (e.getCode() == 412 || e.getCode() == 404) {
                return Optional.empty();
            }
            throw failure("write", name, e);
        }
    }

    @Override
    public boolean deleteIfVersion(String key, String version) {
        String name = prefix.name(key);
        long generation = generation(version);
        try {
            return storage.delete(BlobId.of(bucket, name), Storage.BlobSourceOption.generationMatch(generation));
        } catch (StorageException e) {
            if (e.getCode() == 412 || e.getCode() == 404) {
                return false;
            }
            throw failure("delete", name, e);
        }
    }

    @Override
    public List<String> list(String keyPrefix) {
        return listed(keyPrefix, Stream::sorted);
    }

    @Override
    public List<String> listThrough(String keyPrefix, String last) {
        // Listed in key order, a page at a time: the pages past `last` are never asked for.
        return listed(keyPrefix, keys -> keys.takeWhile(key -> key.compareTo(last) <= 0));
    }

    /** The certfn keys under {@code keyPrefix}, in the backend's order, shaped by {@code shape} while the pages are read. */
    private List<String> listed(String keyPrefix, UnaryOperator<Stream<String>> shape) {
        String listing = prefix.listing(keyPrefix);
        try {
            Iterable<Blob> blobs = storage.list(bucket, Storage.BlobListOption.prefix(listing)).iterateAll();
            return shape.apply(StreamSupport.stream(blobs.spliterator(), false)
                    .map(Blob::getName)
                    .map(prefix::key)).toList();
        } catch (StorageException e) {
            throw failure("list", listing, e);
        }
    }

    private static long generation(String version) {
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            // Not a version this backend gave out: it cannot match.
            return -1L;
        }
    }

    private StorageUnavailableException failure(String action, String name, StorageException e) {
        String why = switch (e.getCode()) {
            case 401, 403 -> "Google Cloud Storage refused the service account (" + e.getCode() + " " + e.getReason()
                    + "); it needs roles/storage.objectUser on bucket '" + bucket + "'";
            case 0 -> "Google Cloud Storage could not be reached: " + e.getMessage();
            default -> "Google Cloud Storage answered " + e.getCode() + (e.getReason() == null ? "" : " " + e.getReason());
        };
        return new StorageUnavailableException("Could not " + action + " gs://" + bucket + "/" + name + ": " + why, e);
    }
}
