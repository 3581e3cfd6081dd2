package io.certfn.acme;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;

/**
 * One CA's ACME Renewal Information (RFC 9773): whether its directory offers it (looked at once
 * an hour, a failed look counting for a minute), and the advice for a certificate. A request for a
 * stored certificate never waits for the CA's directory: {@link #learnWhetherOffered} looks beside it.
 */
final class CaRenewalInfo {

    private static final Logger LOG = Logger.getLogger(CaRenewalInfo.class);

    /** How long to wait before asking for renewal info again when the CA said nothing or failed (RFC 9773 §4.3). */
    static final Duration ARI_RETRY = Duration.ofHours(6);
    /** How long a look at whether the CA offers renewal info is trusted (acme4j reads the directory again on each look). */
    private static final Duration OFFER_KNOWN = Duration.ofHours(1);
    /** How long a failed look counts as "no renewal info": a directory slow or down for a moment must not hide ARI for an hour. */
    private static final Duration OFFER_UNREADABLE = Duration.ofMinutes(1);

    private final AcmeAccount account;
    private final Duration checkInterval;
    private final Clock clock;
    private final Executor beside;
    private volatile boolean offered;
    /** Until when {@link #offered} is known (null: not yet). */
    private volatile Instant knownUntil;
    private final AtomicBoolean looking = new AtomicBoolean();

    /** @param checkInterval {@code certfn.renewal.check-interval}: how often a sweep may look */
    CaRenewalInfo(AcmeAccount account, Duration checkInterval, Clock clock, Executor beside) {
        this.account = account;
        this.checkInterval = checkInterval;
        this.clock = clock;
        this.beside = beside;
    }

    /** Whether the CA's directory offers renewal info; may read the directory (false while it cannot be read). */
    boolean offered() {
        Instant now = clock.instant();
        Instant until = knownUntil;
        if (until != null && now.isBefore(until)) {
            return offered;
        }
        boolean answer;
        Duration kept = OFFER_KNOWN;
        try {
            answer = account.login().getSession().resourceUrlOptional(Resource.RENEWAL_INFO).isPresent();
        } catch (AcmeException | RuntimeException e) {
            answer = false;
            kept = OFFER_UNREADABLE;
        }
        offered = answer;
        knownUntil = now.plus(kept);
        return answer;
    }

    /** Whether {@link #offered()} would answer from memory now, without reading the directory. */
    boolean knowsWhetherOffered() {
        Instant until = knownUntil;
        return until != null && clock.instant().isBefore(until);
    }

    /** Reads the directory for {@link #offered()} beside the caller, one look at a time. */
    void learnWhetherOffered() {
        if (looking.compareAndSet(false, true)) {
            beside.execute(() -> {
                try {
                    offered();
                } finally {
                    looking.set(false);
                }
            });
        }
    }

    /** {@link #offered()} from memory, without blocking: true while not known. */
    boolean mayBeOffered() {
        return !knowsWhetherOffered() || offered;
    }

    /**
     * The CA's renewal info for {@code leaf}; empty when the CA has no ARI. A failure to ask is
     * advice too: ask again in 6 hours, keep the current window.
     */
    Optional<RenewalAdvice> adviceFor(X509Certificate leaf) {
        if (!offered()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        try {
            var info = account.login().bindRenewalInfo(leaf);
            Instant retryAfter = info.fetch().filter(now::isBefore).orElse(now.plus(ARI_RETRY));
            Instant start = info.getSuggestedWindowStart();
            Instant end = info.getSuggestedWindowEnd();
            if (end.isBefore(start)) {
                LOG.warnf("The CA's renewal window for serial %s ends (%s) before it starts (%s); ignored", leaf.getSerialNumber().toString(16),
                        end, start);
                return Optional.of(RenewalAdvice.none(retryAfter));
            }
            Instant renewAt = RenewalTime.within(start, end, now, checkInterval, java.util.concurrent.ThreadLocalRandom.current().nextDouble());
            return Optional.of(new RenewalAdvice(Optional.of(new RenewalWindow(start, end)), Optional.of(renewAt), retryAfter,
                    info.getExplanation()));
        } catch (AcmeException | RuntimeException e) {
            LOG.warnf("Could not read the CA's renewal info for serial %s (%s); asking again in 6 h", leaf.getSerialNumber().toString(16),
                    e.getMessage());
            return Optional.of(RenewalAdvice.none(now.plus(ARI_RETRY)));
        }
    }
}
