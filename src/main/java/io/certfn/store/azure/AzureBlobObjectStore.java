package io.certfn.store.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobDownloadContentOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import io.certfn.store.KeyPrefix;
import io.certfn.store.ObjectStore;
import io.certfn.store.StorageUnavailableException;
import io.certfn.store.Versioned;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Azure Blob Storage with the service's conditional headers: {@code If-None-Match: *} creates,
 * {@code If-Match: <etag>} replaces and deletes. Each write is one Put Blob call, which
 * the service applies whole or not at all; the ETag is the version.
 */
public final class AzureBlobObjectStore implements ObjectStore {

    private final BlobContainerClient container;
    private final KeyPrefix prefix;
    private final Duration timeout;

    public AzureBlobObjectStore(BlobContainerClient container, KeyPrefix prefix, Duration timeout) {
        this.container = container;
        this.prefix = prefix;
        this.timeout = timeout;
    }

    @Override
    public Optional<Versioned> get(String key) {
        String name = prefix.name(key);
        try {
            var response = container.getBlobClient(name)
                    .downloadContentWithResponse(new BlobDownloadContentOptions(), timeout, Context.NONE);
            return Optional.of(new Versioned(response.getValue().toBytes(), response.getDeserializedHeaders().getETag()));
        } catch (BlobStorageException e) {
            if (isMissingBlob(e)) {
                return Optional.empty();
            }
            throw failure("read", name, e);
        } catch (RuntimeException e) {
            throw failure("read", name, e);
        }
    }

    @Override
    public Optional<String> putIfAbsent(String key, byte[] data) {
        return put(key, data, new BlobRequestConditions().setIfNoneMatch("*"));
    }

    @Override
    public Optional<String> putIfVersion(String key, byte[] data, String version) {
        return put(key, data, new BlobRequestConditions().setIfMatch(version));
    }

    private Optional<String> put(String key, byte[] data, BlobRequestConditions conditions) {
        String name = prefix.name(key);
        try {
            var options = new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(data)).setRequestConditions(conditions);
            return Optional.of(container.getBlobClient(name).getBlockBlobClient()
                    .uploadWithResponse(options, timeout, Context.NONE).getValue().getETag());
        } catch (BlobStorageException e) {
            if (isConditionFailed(e) || isMissingBlob(e)) {
                return Optional.empty();
            }
            throw failure("write", name, e);
        } catch (RuntimeException e) {
            throw failure("write", name, e);
        }
    }

    @Override
    public boolean deleteIfVersion(String key, String version) {
        String name = prefix.name(key);
        try {
            container.getBlobClient(name).deleteWithResponse(null, new BlobRequestConditions().setIfMatch(version), timeout, Context.NONE);
            return true;
        } catch (BlobStorageException e) {
            if (isConditionFailed(e) || isMissingBlob(e)) {
                return false;
            }
            throw failure("delete", name, e);
        } catch (RuntimeException e) {
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
            Iterable<BlobItem> items = container.listBlobs(new ListBlobsOptions().setPrefix(listing), timeout);
            return shape.apply(StreamSupport.stream(items.spliterator(), false)
                    .map(BlobItem::getName)
                    .map(prefix::key)).toList();
        } catch (RuntimeException e) {
            throw failure("list", listing, e);
        }
    }

    /** 409 BlobAlreadyExists answers {@code If-None-Match: *}; 412 a stale {@code If-Match}. */
    private static boolean isConditionFailed(BlobStorageException e) {
        return e.getStatusCode() == 412 || BlobErrorCode.BLOB_ALREADY_EXISTS.equals(e.getErrorCode());
    }

    private static boolean isMissingBlob(BlobStorageException e) {
        return BlobErrorCode.BLOB_NOT_FOUND.equals(e.getErrorCode());
    }

    private StorageUnavailableException failure(String action, String name, RuntimeException e) {
        String where = container.getBlobContainerUrl() + "/" + name;
        String why;
        if (e instanceof BlobStorageException blob) {
            BlobErrorCode code = blob.getErrorCode();
            if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(code)) {
                why = "container '" + container.getBlobContainerName() + "' does not exist (certfn.store.azure.container)";
            } else if (blob.getStatusCode() == 401 || blob.getStatusCode() == 403) {
                why = "Azure refused the function's identity (" + code + "); it needs the role "
                        + "'Storage Blob Data Contributor' on container '" + container.getBlobContainerName() + "'";
            } else {
                why = "Azure answered " + blob.getStatusCode() + (code == null ? "" : " " + code);
            }
        } else {
            why = "Azure Blob Storage could not be reached: " + firstLine(e.getMessage());
        }
        return new StorageUnavailableException("Could not " + action + " " + where + ": " + why, e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
