package io.certfn.acme;

/**
 * Asked before each side effect of an order (creating it, a checkpoint write, a DNS write, a
 * challenge trigger, finalize): may this instance still make it? Backed by the certificate's
 * lease (docs/design.md §5), so an instance frozen mid-order and thawed after another took over never
 * interferes with the one that did.
 */
@FunctionalInterface
public interface OrderFence {

    /** For orders no other instance can share (tests of the issuer alone). */
    OrderFence NONE = sideEffect -> { };

    /**
     * Returns if {@code sideEffect} (e.g. "finalizing the order") may be made.
     *
     * @throws RuntimeException when it may not; the order stops where it is
     */
    void check(String sideEffect);
}
