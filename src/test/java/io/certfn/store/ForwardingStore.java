package io.certfn.store;

import java.util.List;
import java.util.Optional;

/** An {@link ObjectStore} that passes every call through; tests override the calls they watch or break. */
public class ForwardingStore implements ObjectStore {
    private final ObjectStore target;

    public ForwardingStore(ObjectStore target) {
        this.target = target;
    }

    @Override
    public Optional<Versioned> get(String key) {
        return target.get(key);
    }

    @Override
    public Optional<String> putIfAbsent(String key, byte[] data) {
        return target.putIfAbsent(key, data);
    }

    @Override
    public Optional<String> putIfVersion(String key, byte[] data, String version) {
        return target.putIfVersion(key, data, version);
    }

    @Override
    public boolean deleteIfVersion(String key, String version) {
        return target.deleteIfVersion(key, version);
    }

    @Override
    public List<String> list(String prefix) {
        return target.list(prefix);
    }

    @Override
    public List<String> listThrough(String prefix, String last) {
        return target.listThrough(prefix, last);
    }
}
