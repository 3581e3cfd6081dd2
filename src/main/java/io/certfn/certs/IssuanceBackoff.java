package io.certfn.certs;

import io.certfn.acme.OrderCheckpoint;
import io.certfn.error.CertfnException;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The failure backoff, kept in the store so every instance honours it: after an order the CA or
 * the DNS provider would fail again at once, no instance orders those names again before the
 * backoff ends ({@code certfn.renewal.failure-backoff}, doubling up to 6 h, or the CA's
 * Retry-After when longer). Kept per set of names, whatever the key type, profile or CSR key: Let's
 * Encrypt counts failed validations per name and account (5 an hour, then it pauses the account),
 * so another key type or a client rotating its CSR key must not be a way around it.
 */
@Singleton
public class IssuanceBackoff {

    private static final Logger LOG = Logger.getLogger(IssuanceBackoff.class);
    /** The failures a CA or DNS provider will answer the same way if asked again at once. */
    private static final Set<String> BACKOFF_CODES = Set.of("acme_error", "dns_error", "acme_rate_limited", "acme_rejected");

    private final CertificateRepository repository;
    private final Duration failureBackoff;
    private final Clock clock;

    public IssuanceBackoff(CertificateRepository repository, RenewalConfig config, Clock clock) {
        this.repository = repository;
        this.failureBackoff = config.failureBackoff();
        this.clock = clock;
    }

    /** The failure record of {@code spec}'s names, active or not (one store read; see {@link FailureRecord#active}). */
    Optional<FailureRecord> recorded(CertificateSpec spec) {
        return repository.failure(CertificateRepository.failureKey(spec.names()));
    }

    /** Forgets the failures of {@code spec}'s names: an order of them succeeded. */
    void clear(CertificateSpec spec) {
        repository.clearFailure(CertificateRepository.failureKey(spec.names()));
    }

    /**
     * Remembers a failed order in the store, so that no instance orders {@code id} again before
     * its backoff ends: a CA's refusal or failed validation, a DNS failure, a rate limit. Not an
     * order the next request can resume (its checkpoint is still there), nor a store or lease problem.
     */
    void record(CertificateSpec spec, OrderCheckpoint checkpoint, CertfnException e) {
        // A missing or refused EAB setting is the server's, not the name's: the restart that fixes it must not meet a backoff.
        if (!BACKOFF_CODES.contains(e.code()) || e.reason().filter("externalAccountRequired"::equals).isPresent()
                || e instanceof io.certfn.acme.AccountRejected) {
            return;
        }
        try {
            // An order the next request can resume is not failed, unless the DNS provider failed it: asked again at
            // once, it would fail the same way, for as long as the order lives.
            if (checkpoint.load().isPresent() && !e.code().equals("dns_error")) {
                return;
            }
            FailureRecord record = repository.recordFailure(CertificateRepository.failureKey(spec.names()),
                    previous -> FailureRecord.after(previous, e.code(), e.getMessage(), clock.instant(), failureBackoff, e.retryAfter()));
            LOG.warnf("Order for %s failed (%d in a row): no instance orders it again before %s", spec.names(), record.count(),
                    record.notBefore());
        } catch (RuntimeException storeFailed) {
            LOG.warnf("Could not record the failed order for %s: %s", spec.names(), storeFailed.getMessage());
        }
    }

    static IssuanceBackoffException refusal(CertificateSpec spec, FailureRecord failed, Instant now) {
        return new IssuanceBackoffException("The last order for " + String.join(", ", spec.names()) + " failed at " + failed.failedAt()
                + " (" + failed.code() + ": " + failed.detail() + "). No certfn instance orders it again before " + failed.notBefore()
                + " (failure " + failed.count() + " in a row; certfn.renewal.failure-backoff, doubling up to 6 h). Fix the cause, or "
                + "delete " + CertificateRepository.failureKey(spec.names()) + " from the store to try at once.", Duration.between(now, failed.notBefore()));
    }
}
