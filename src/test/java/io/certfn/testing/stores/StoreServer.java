package io.certfn.testing.stores;

import io.certfn.store.ObjectStore;
import java.util.Map;

/**
 * A real store backend for tests, started by the test itself: the local folder, moto_server
 * (S3), Azurite (Azure Blob), or the in-test GCS JSON-API server.
 */
public interface StoreServer extends AutoCloseable {

    /** The backend's name, for test display names. */
    String name();

    /**
     * The {@code certfn.*} settings (and credentials environment) that point certfn at this
     * server, with every object under {@code prefix}.
     */
    Map<String, String> certfnConfig(String prefix);

    /** A store client of certfn's own backend class for this server, under {@code prefix}. */
    ObjectStore backend(String prefix);

    /** Makes the server answer every request with {@code status} (0: normal again), where it can. */
    void failWith(int status);

    @Override
    void close();
}
