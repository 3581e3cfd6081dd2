package io.certfn.store;

import io.certfn.config.CertfnConfig;
import io.certfn.store.file.FileObjectStore;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import org.jboss.logging.Logger;

/** Chooses the store backend from {@code certfn.store.type}. */
@Singleton
public class StoreProducer {

    private static final Logger LOG = Logger.getLogger(StoreProducer.class);

    @Produces
    @Singleton
    ObjectStore store(CertfnConfig config) {
        String type = config.store().type();
        if (type.equals("file")) {
            LOG.infof("Store: folder %s", config.store().file().path().toAbsolutePath());
            return new FileObjectStore(config.store().file().path());
        }
        throw new IllegalStateException("certfn.store.type '" + type
                + "' is not supported by this build; supported: file");
    }

    @Produces
    @Singleton
    LeaseManager leases(ObjectStore store, CertfnConfig config) {
        return new LeaseManager(store, config.lease().duration(), Clock.systemUTC());
    }
}
