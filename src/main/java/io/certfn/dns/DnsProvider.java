package io.certfn.dns;

/**
 * A DNS API that can publish DNS-01 challenge records. Implementations add a TXT value without
 * touching other values at the same name (a wildcard and its apex share one name) and remove only
 * their own value. All calls block and are safe from many threads.
 */
public interface DnsProvider {

    /**
     * Adds {@code record}'s value at its name. Idempotent.
     *
     * @throws DnsException when the provider refuses or cannot be reached
     */
    void publish(ChallengeRecord record);

    /**
     * Looks up ahead what publishing at {@code name} will need (its zone), so an order can do it
     * while it waits for the CA. Optional; a failure here is found again by {@link #publish}.
     *
     * @throws DnsException when the lookup fails
     */
    default void prepare(String name) {
    }

    /**
     * Checks, for the readiness probe, that the provider answers and finds a zone to write into,
     * without writing anything. Cheap enough to run every few seconds behind a cache.
     *
     * @throws DnsException naming what is wrong (never a credential)
     */
    default void check() {
    }

    /**
     * Removes {@code record}'s value, leaving other values. Idempotent.
     *
     * @throws DnsException when the provider refuses or cannot be reached
     */
    void remove(ChallengeRecord record);
}
