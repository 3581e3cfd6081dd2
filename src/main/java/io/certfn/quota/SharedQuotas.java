package io.certfn.quota;

import io.certfn.identity.Caller;
import io.certfn.store.ChecksummedStore;
import io.certfn.store.ObjectStore;
import io.certfn.store.StoreKeys;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The quotas every instance sharing the store counts together, kept below the CA's own limits so
 * that no tenant can spend what all tenants share (Let's Encrypt's "Rate Limits" page: 50 new
 * certificates per registered domain per 7 days, 5 certificates per exact set of names per 7 days):
 * <ul>
 * <li>new certificates per caller per hour ({@code certfn.limits.new-certificates-per-hour});</li>
 * <li>new certificates per registered domain per 7 days ({@code
 * certfn.limits.new-certificates-per-registered-domain});</li>
 * <li>one revocation per name set per {@code certfn.limits.revocation-cooldown}.</li>
 * </ul>
 * "New" is every order the CA counts: one sent without ARI's {@code replaces} (a first order, a
 * re-order after a revocation or a CA switch). Renewals that name the certificate they replace are
 * exempt, as they are at Let's Encrypt. Counters live under {@code quota/} in the store.
 */
@Singleton
public class SharedQuotas {

    static final Duration HOUR = Duration.ofHours(1);
    static final Duration WEEK = Duration.ofDays(7);

    private final StoreWindow windows;
    private final LimitsConfig limits;
    private final Clock clock;

    @Inject
    public SharedQuotas(ChecksummedStore store, LimitsConfig limits, Clock clock) {
        this((ObjectStore) store, limits, clock);
    }

    SharedQuotas(ObjectStore store, LimitsConfig limits, Clock clock) {
        this.windows = new StoreWindow(store);
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Counts a new certificate for {@code names} ordered by {@code caller} against the caller's and
     * each registered domain's quota; nothing is counted when one refuses.
     *
     * @throws TooManyRequestsException naming the limit, with the time until a slot frees
     * @throws io.certfn.store.StorageUnavailableException when the store fails
     */
    public void chargeNewCertificate(Caller caller, List<String> names) {
        Instant now = clock.instant();
        TreeSet<String> domains = new TreeSet<>();
        names.forEach(n -> domains.add(RegisteredDomain.of(n)));
        // Checked before anything is counted, so a refusal by one counter leaves the others as they were.
        for (String domain : domains) {
            refuseIfFull(key("domain", domain), limits.newCertificatesPerRegisteredDomain(), WEEK, now,
                    "The registered domain " + domain + " has had " + limits.newCertificatesPerRegisteredDomain()
                            + " new certificates in the last 7 days, all callers together; at most "
                            + limits.newCertificatesPerRegisteredDomain() + " (certfn.limits.new-certificates-per-registered-domain,"
                            + " below the CA's own limit). Renewals and stored certificates are still served.");
        }
        take(key("caller", caller.describe()), limits.newCertificatesPerHour(), HOUR, now,
                "The caller " + caller.describe() + " has ordered " + limits.newCertificatesPerHour() + " new certificates in the"
                        + " last hour, on all instances together; at most " + limits.newCertificatesPerHour()
                        + " (certfn.limits.new-certificates-per-hour). Stored certificates are still served.");
        for (String domain : domains) {
            take(key("domain", domain), limits.newCertificatesPerRegisteredDomain(), WEEK, now,
                    "The registered domain " + domain + " reached certfn.limits.new-certificates-per-registered-domain ("
                            + limits.newCertificatesPerRegisteredDomain() + " new certificates in 7 days, all callers together).");
        }
    }

    /**
     * Checks that the name set {@code names} may be revoked now: at most once per {@code
     * certfn.limits.revocation-cooldown}, since each revocation is followed by an order the CA counts
     * against its duplicate-certificate limit (5 per week at Let's Encrypt) for everyone who shares
     * the names. {@link #recordRevocation} counts one once the CA revoked.
     *
     * @throws TooManyRequestsException when the name set was revoked within the cooldown
     */
    public void checkRevocation(List<String> names) {
        Duration cooldown = limits.revocationCooldown();
        if (!cooldown.isZero() && !cooldown.isNegative()) {
            refuseIfFull(revocationKey(names), 1, cooldown, clock.instant(), revocationRefused(names, cooldown));
        }
    }

    /** Counts a revocation of {@code names} (see {@link #checkRevocation}); never refuses. */
    public void recordRevocation(List<String> names) {
        Duration cooldown = limits.revocationCooldown();
        if (!cooldown.isZero() && !cooldown.isNegative()) {
            // Limit 2: the revocation already happened at the CA; only a concurrent one may find the slot taken.
            windows.take(revocationKey(names), 2, cooldown, clock.instant());
        }
    }

    private String revocationRefused(List<String> names, Duration cooldown) {
        return "The certificate for " + String.join(", ", names) + " was revoked less than " + cooldown.toHours()
                + " h ago (certfn.limits.revocation-cooldown): each revocation is followed by a new order, and the CA allows few"
                + " per week for one set of names, shared by everyone using it. Delete " + revocationKey(names)
                + " from the store to allow another revocation at once.";
    }

    private static String revocationKey(List<String> names) {
        return key("revoked", String.join(",", new TreeSet<>(names)));
    }

    private void refuseIfFull(String key, int limit, Duration window, Instant now, String detail) {
        // A read only: the slot is taken after every counter agreed.
        Optional<Duration> wait = windows.wouldWait(key, limit, window, now);
        if (wait.isPresent()) {
            throw new TooManyRequestsException(detail, atLeastASecond(wait.get()));
        }
    }

    private void take(String key, int limit, Duration window, Instant now, String detail) {
        Optional<Duration> wait = windows.take(key, limit, window, now);
        if (wait.isPresent()) {
            throw new TooManyRequestsException(detail, atLeastASecond(wait.get()));
        }
    }

    private static Duration atLeastASecond(Duration d) {
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
    }

    /** {@code quota/<kind>/<sha-256 of the subject>}: subjects hold characters a store key may not. */
    static String key(String kind, String subject) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(subject.getBytes(StandardCharsets.UTF_8));
            return StoreKeys.of("quota", kind, HexFormat.of().formatHex(hash, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
