package io.certfn.store.file;

import io.certfn.store.StoreConfig;import io.certfn.store.ObjectStore;
import io.certfn.store.StoreBackend;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** {@code certfn.store.type=file}: a local or shared folder, in every build. */
@Singleton
public class FileBackend implements StoreBackend {

    private static final Logger LOG = Logger.getLogger(FileBackend.class);

    @Override
    public String type() {
        return "file";
    }

    @Override
    public ObjectStore open(StoreConfig config) {
        LOG.infof("Store: folder %s", config.file().path().toAbsolutePath());
        return new FileObjectStore(config.file().path(), config.timeout());
    }
}
