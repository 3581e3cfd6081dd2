package io.certfn.store;

/**
 * An object's bytes together with the version they were read at. The version is opaque: pass it
 * back unchanged to {@link ObjectStore#putIfVersion} or {@link ObjectStore#deleteIfVersion}.
 */
public record Versioned(byte[] data, String version) {
}
