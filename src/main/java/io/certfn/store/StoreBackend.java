package io.certfn.store;


/**
 * One kind of store, named by {@code certfn.store.type}. Each cloud's backend is a bean only in
 * the builds that hold that cloud's SDK ({@code certfn-build.aws|azure|gcp}), so a cloud's
 * function image carries no other cloud's SDK.
 */
public interface StoreBackend {

    /** The {@code certfn.store.type} value that selects this backend. */
    String type();

    /**
     * Opens the backend from its settings.
     *
     * @throws IllegalStateException naming a missing or malformed setting
     */
    ObjectStore open(StoreConfig config);
}
