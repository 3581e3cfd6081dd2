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

    /** This checkpoint, written only while {@code fence} allows it. */
    default OrderCheckpoint fencedBy(OrderFence fence) {
        OrderCheckpoint checkpoint = this;
        return new OrderCheckpoint() {
            @Override
            public Optional<PendingOrder> load() {
                return checkpoint.load();
            }

            @Override
            public void save(PendingOrder order) {
                fence.check("saving the order's checkpoint");
                checkpoint.save(order);
            }

            @Override
            public void discard() {
                fence.check("discarding the order's checkpoint");
                checkpoint.discard();
            }
        };
    }
}
