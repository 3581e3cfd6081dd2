package io.certfn.store.s3;

import io.certfn.store.KeyPrefix;
import io.certfn.store.ObjectStore;
import io.certfn.store.StorageUnavailableException;
import io.certfn.store.Versioned;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Amazon S3 (or an S3-compatible server) with S3's conditional writes: {@code If-None-Match: *}
 * creates, {@code If-Match: <etag>} replaces and deletes. The ETag is the version; every object
 * certfn writes carries a unique write id (see {@link io.certfn.store.ChecksummedStore}), so two
 * writes never share an ETag even with equal payloads.
 */
public final class S3ObjectStore implements ObjectStore {

    private final S3Client s3;
    private final String bucket;
    private final KeyPrefix prefix;

    public S3ObjectStore(S3Client s3, String bucket, KeyPrefix prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    @Override
    public Optional<Versioned> get(String key) {
        String name = prefix.name(key);
        try {
            ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(name));
            return Optional.of(new Versioned(object.asByteArray(), object.response().eTag()));
        } catch (S3Exception e) {
            if (isMissingObject(e)) {
                return Optional.empty();
            }
            throw failure("read", name, e);
        } catch (SdkException e) {
            throw failure("read", name, e);
        }
    }

    @Override
    public Optional<String> putIfAbsent(String key, byte[] data) {
        return put(key, data, b -> b.ifNoneMatch("*"));
    }

    @Override
    public Optional<String> putIfVersion(String key, byte[] data, String version) {
        return put(key, data, b -> b.ifMatch(version));
    }

    private Optional<String> put(String key, byte[] data, java.util.function.Consumer<PutObjectRequest.Builder> condition) {
        String name = prefix.name(key);
        try {
            PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(name)
                    .contentType("application/octet-stream");
            condition.accept(request);
            return Optional.of(s3.putObject(request.build(), RequestBody.fromBytes(data)).eTag());
        } catch (S3Exception e) {
            if (isConditionFailed(e) || isMissingObject(e)) {
                return Optional.empty();
            }
            throw failure("write", name, e);
        } catch (SdkException e) {
            throw failure("write", name, e);
        }
    }

    @Override
    public boolean deleteIfVersion(String key, String version) {
        String name = prefix.name(key);
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(name).ifMatch(version));
            return true;
        } catch (S3Exception e) {
            if (isConditionFailed(e) || isMissingObject(e)) {
                return false;
            }
            throw failure("delete", name, e);
        } catch (SdkException e) {
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
            return shape.apply(s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(listing)).contents().stream()
                    .map(S3Object::key)
                    .map(prefix::key)).toList();
        } catch (SdkException e) {
            throw failure("list", listing, e);
        }
    }

    /** 412: the precondition failed; 409: a concurrent conditional write to the same key won. */
    private static boolean isConditionFailed(S3Exception e) {
        return e.statusCode() == 412 || e.statusCode() == 409;
    }

    private static boolean isMissingObject(S3Exception e) {
        return e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e));
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private StorageUnavailableException failure(String action, String name, SdkException e) {
        String why;
        if (e instanceof S3Exception s3e) {
            String code = errorCode(s3e);
            why = switch (code == null ? "" : code) {
                case "NoSuchBucket" -> "bucket '" + bucket + "' does not exist (certfn.store.s3.bucket)";
                case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken" ->
                        "S3 refused the function's credentials (" + code + "); it needs s3:GetObject, s3:PutObject, "
                                + "s3:DeleteObject and s3:ListBucket on bucket '" + bucket + "'";
                default -> "S3 answered " + s3e.statusCode() + (code == null ? "" : " " + code);
            };
        } else {
            why = "S3 could not be reached: " + e.getMessage();
        }
        return new StorageUnavailableException("Could not " + action + " s3://" + bucket + "/" + name + ": " + why, e);
    }
}
