package io.certfn.acme;

import java.util.Optional;

/** Where the issuer keeps the order in progress for one certificate, so it can be resumed. */
public interface OrderCheckpoint {

    /** The order a previous attempt left, if any. */
    Optional<PendingOrder> load();

    /** Records a newly created order before any challenge is answered. */
    void save(PendingOrder order);

    /** Forgets the order (finished, or unusable). */
    void discard();
}
