package io.certfn.certs;

import io.certfn.acme.AcmeConfig;import io.certfn.acme.AcmeAccount;
import io.certfn.acme.AcmeAccounts;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides when a certificate is due, in a fixed order (docs/design.md §2): the CA's ARI window when it
 * gives one; else when the configured share of the lifetime remains (never a fixed day count,
 * since lifetimes range from days to months); an emergency floor near expiry always wins.
 */
@Singleton
public class RenewalSchedule {

    private final double remainingShare;
    private final double emergencyShare;
    private final java.util.List<String> directories;

    @Inject
    public RenewalSchedule(RenewalConfig config, AcmeConfig acme) {
        this(config.remainingShare(), config.emergencyShare(), acme.directory());
    }

    RenewalSchedule(double remainingShare, double emergencyShare) {
        this(remainingShare, emergencyShare, null);
    }

    /**
     * {@code directories}: the configured CAs ({@code certfn.acme.directory}, comma-separated); a
     * certificate another directory issued is due at once (null: no check).
     */
    RenewalSchedule(double remainingShare, double emergencyShare, String directories) {
        this.directories = directories == null ? java.util.List.of()
                : AcmeAccounts.directories(directories).stream().map(AcmeAccount::resolve).toList();
        if (!(remainingShare > 0 && remainingShare < 1)) {
            throw new IllegalArgumentException("certfn.renewal.remaining-share must be between 0 and 1, was " + remainingShare);
        }
        if (!(emergencyShare > 0 && emergencyShare <= remainingShare)) {
            throw new IllegalArgumentException("certfn.renewal.emergency-share must be between 0 and remaining-share, was "
                    + emergencyShare);
        }
        this.remainingShare = remainingShare;
        this.emergencyShare = emergencyShare;
    }

    /**
     * When a certificate valid from {@code notBefore} to {@code notAfter} becomes due.
     *
     * @param ariRenewAt the point the CA's renewal window suggests, if it gave one (already chosen
     *        at random in the window, RFC 9773 §4.2: see {@link io.certfn.acme.RenewalAdvice})
     */
    public Instant renewAfter(Instant notBefore, Instant notAfter, Optional<Instant> ariRenewAt) {
        Duration lifetime = Duration.between(notBefore, notAfter);
        Instant floor = notAfter.minus(scaled(lifetime, emergencyShare));
        if (ariRenewAt.isPresent()) {
            return ariRenewAt.get().isBefore(floor) ? ariRenewAt.get() : floor;
        }
        return notAfter.minus(scaled(lifetime, remainingShare));
    }

    /** True when {@code cert} should be replaced at {@code now}. */
    public boolean isDue(StoredCertificate cert, Instant now) {
        Instant floor = cert.notAfter().minus(scaled(cert.lifetime(), emergencyShare));
        // After a switch of CA (staging to production), what the old one issued is never served again; nor a revoked one.
        return !now.isBefore(cert.renewAfter()) || !now.isBefore(floor) || cert.fromOtherDirectory(directories) || cert.isRevoked();
    }

    private static Duration scaled(Duration d, double share) {
        return Duration.ofMillis((long) (d.toMillis() * share));
    }
}
