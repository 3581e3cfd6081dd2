package io.certfn.store;

import io.certfn.error.CertfnException;
import java.time.Duration;

/** The store could not be read or written: 503 {@code storage_unavailable}. */
public class StorageUnavailableException extends CertfnException {

    public StorageUnavailableException(String detail, Throwable cause) {
        super(503, "storage_unavailable", detail, cause, Duration.ofSeconds(5));
    }
}
