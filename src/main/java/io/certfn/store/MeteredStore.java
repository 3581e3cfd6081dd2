package io.certfn.store;

import io.certfn.metrics.CertfnMetrics;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Times every call to the backend ({@code certfn_store_calls_seconds} by backend, operation and error). */
final class MeteredStore implements ObjectStore {

    private final ObjectStore backend;
    private final String type;
    private final CertfnMetrics metrics;

    MeteredStore(ObjectStore backend, String type, CertfnMetrics metrics) {
        this.backend = backend;
        this.type = type;
        this.metrics = metrics;
    }

    @Override
    public Optional<Versioned> get(String key) {
        return timed("get", () -> backend.get(key));
    }

    @Override
    public Optional<String> putIfAbsent(String key, byte[] data) {
        return timed("put", () -> backend.putIfAbsent(key, data));
    }

    @Override
    public Optional<String> putIfVersion(String key, byte[] data, String version) {
        return timed("put", () -> backend.putIfVersion(key, data, version));
    }

    @Override
    public boolean deleteIfVersion(String key, String version) {
        return timed("delete", () -> backend.deleteIfVersion(key, version));
    }

    @Override
    public List<String> list(String prefix) {
        return timed("list", () -> backend.list(prefix));
    }

    @Override
    public List<String> listThrough(String prefix, String last) {
        return timed("list", () -> backend.listThrough(prefix, last));
    }

    private <T> T timed(String op, Supplier<T> call) {
        long started = System.nanoTime();
        boolean failed = true;
        try {
            T result = call.get();
            failed = false;
            return result;
        } finally {
            metrics.storeCall(type, op, System.nanoTime() - started, failed);
        }
    }
}
