package io.certfn.acme;

import io.certfn.dns.DnsConfig;import io.certfn.crypto.Pem;
import io.certfn.dns.DnsLookup;
import io.certfn.dns.DnsProvider;
import io.certfn.dns.PropagationCheck;
import io.certfn.time.Sleeper;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * Issues one certificate over DNS-01, reading like RFC 8555: order → for each authorization skip
 * if valid, publish the TXT record, wait until the zone's servers answer, trigger → wait until
 * ready → finalize → download. The order is checkpointed before any challenge so another instance
 * can resume it; TXT records are removed afterwards, also when the order fails.
 *
 * <p>Store and DNS work that the next ACME request does not depend on runs beside it, so an
 * order costs little more than its round trips to the CA: each name's challenge target (CNAME),
 * zone and authoritative servers are looked up while the order and its authorizations are
 * fetched, the certificate's key is made and the checkpoint written while the challenges are
 * prepared (both are in the store before any challenge is triggered or the order finalized),
 * and the records are removed while the order is finalized and downloaded (and are gone when
 * {@link #issue} returns).
 *
 * <p>Longer than the house's ~250 lines on purpose: it is the RFC 8555 order flow itself (issue,
 * resume, create, authorize, finalize, download), one sequence a reader follows top to bottom; each
 * side concern is a class of its own beside it (Dns01Records, CaRetry, CaProblems, CaRenewalInfo,
 * OrderProfiles, CaRevocation).
 */
final class CaIssuer {

    private static final Logger LOG = Logger.getLogger(CaIssuer.class);

    private final AcmeAccount account;
    private final Duration timeout;
    private final Optional<PreferredChain> preferredChain;
    /** Whether this is the first configured CA (certificates of unknown origin count as its). */
    private final boolean first;
    private final ExecutorService beside = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "certfn-order-io");
        t.setDaemon(true);
        return t;
    });
    private final Clock clock;
    private final Sleeper sleeper;
    private final CaRetry retry;
    private final Dns01Records dns01;
    private final CaRenewalInfo ari;
    private final OrderProfiles profiles;
    private final CaRevocation revocation;
    private final CaCircuit circuit;

    CaIssuer(AcmeAccount account, boolean first, DnsProvider dns, DnsLookup lookup, PropagationCheck propagation, AcmeConfig config,
            DnsConfig dnsConfig, RenewalCheckConfig renewal, java.util.function.Consumer<Duration> propagationSeen, Clock clock, Sleeper sleeper) {
        this.account = account;
        this.first = first;
        this.clock = clock;
        this.sleeper = sleeper;
        this.timeout = config.timeout();
        this.preferredChain = PreferredChain.of(config.preferredChain());
        this.retry = new CaRetry(clock, sleeper);
        this.dns01 = new Dns01Records(dns, lookup, propagation, dnsConfig.propagationTimeout(), dnsConfig.propagationWait(),
                propagationSeen, sleeper, beside);
        this.ari = new CaRenewalInfo(account, renewal.checkInterval(), clock, beside);
        this.profiles = new OrderProfiles(account.directory(), config.defaultProfile());
        this.revocation = new CaRevocation(account, retry);
        this.circuit = new CaCircuit(config.circuitBreaker().failures(), config.circuitBreaker().openFor(), clock);
    }

    /**
     * Orders (or resumes) and downloads the certificate. Blocks for the whole order.
     *
     * @throws AcmeFailure the CA refused, failed or rate-limited (the CA's problem in the detail)
     * @throws io.certfn.dns.DnsException the challenge record could not be published or seen
     * @throws InterruptedException when the thread is interrupted while waiting
     * @throws RuntimeException what {@code fence} throws when this instance may no longer act on the order
     */
    IssuedChain issue(OrderRequest request, OrderCheckpoint unfenced, OrderFence fence) throws InterruptedException {
        try {
            try {
                return issueOnOwnSession(request, unfenced, fence);
            } catch (AccountGone gone) {
                // Orders belong to their account: what the old one left cannot be resumed.
                account.forget(gone.login);
                unfenced.fencedBy(fence).discard();
                return issueOnOwnSession(request, unfenced, fence);
            }
        } catch (AcmeRejected rejected) {
            throw rejected.reason().filter("caa"::equals).isPresent() ? withCaaIdentities(rejected) : rejected;
        }
    }

    /** The order on a session of its own (see {@link AcmeAccount#borrow()}), given back when it ends. */
    private IssuedChain issueOnOwnSession(OrderRequest request, OrderCheckpoint unfenced, OrderFence fence) throws InterruptedException {
        Login login = account.borrow();
        try {
            return issueAs(login, request, unfenced, fence);
        } finally {
            account.giveBack(login);
        }
    }

    /** A {@code caa} refusal with the record that would allow this CA, from the identities its directory names. */
    private AcmeRejected withCaaIdentities(AcmeRejected rejected) {
        String identities;
        try {
            var names = account.login().getSession().getMetadata().getCaaIdentities();
            identities = names.isEmpty() ? " The CA's directory names no CAA identity: see its documentation for the value to allow."
                    : " The CA's CAA identities: " + names.stream().map(n -> "0 issue \"" + n + "\"")
                            .collect(java.util.stream.Collectors.joining(" or ")) + ".";
        } catch (AcmeException | RuntimeException e) {
            identities = " (The CA's CAA identities could not be read: " + e.getMessage() + ".)";
        }
        return new AcmeRejected("caa", rejected.getMessage() + identities, rejected.getCause());
    }

    /** The CA answered that the account certfn logged in as does not exist (any more), or is deactivated. */
    private static final class AccountGone extends RuntimeException {
        private final transient Login login;

        AccountGone(Login login, AcmeServerException cause) {
            super(cause.getMessage(), cause);
            this.login = login;
        }
    }

    private IssuedChain issueAs(Login login, OrderRequest request, OrderCheckpoint unfenced, OrderFence fence) throws InterruptedException {
        OrderCheckpoint checkpoint = unfenced.fencedBy(fence);
        String step = "resuming the order";
        CompletableFuture<Void> removal = CompletableFuture.completedFuture(null);
        Dns01Records.OrderRecords records = dns01.forOrder(request.names());
        try {
            Optional<Resumed> resumed = resume(login, checkpoint);
            CompletableFuture<KeyPair> key;
            Order order;
            CompletableFuture<Void> checkpointed = CompletableFuture.completedFuture(null);
            if (resumed.isPresent()) {
                order = resumed.get().order();
                key = CompletableFuture.completedFuture(resumed.get().keyPair());
            } else {
                step = "creating the order for " + request.names();
                // Made while the order is created and its challenges answered (an RSA key takes up to seconds).
                key = request.csr().isPresent() ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.supplyAsync(request.newKey(), beside);
                fence.check("creating the order");
                order = create(login, request);
                OrderProfiles.checkEchoed(order, request);
                String orderUrl = order.getLocation().toString();
                Instant created = clock.instant();
                checkpointed = key.thenAcceptAsync(keyPair -> checkpoint.save(
                        new PendingOrder(orderUrl, keyPair == null ? null : Pem.keyPair(keyPair), created, account.directory())), beside);
                LOG.infof("Created ACME order %s for %s", order.getLocation(), request.names());
            }
            if (order.getStatus() == Status.PENDING) {
                step = "validating the DNS-01 challenges";
                removal = authorize(order, checkpoint, checkpointed, records, fence, resumed.isPresent());
            } else if (resumed.isPresent()) {
                removal = dns01.removeLeftovers(order.getAuthorizations(), fence);
            }
            // The key is in the store before the CA can issue for it, or a resumed order could not use the certificate.
            join(checkpointed);
            KeyPair keyPair = join(key);
            step = "waiting for the order to become ready";
            Status status = StatusPoll.await(order, EnumSet.of(Status.READY, Status.VALID, Status.INVALID), timeout, clock, sleeper);
            failIfInvalid(order, status, checkpoint);
            if (status == Status.READY) {
                step = "finalizing the order";
                fence.check(step);
                Order finalizing = order;
                retry.run(step, () -> {
                    if (request.csr().isPresent()) {
                        finalizing.execute(request.csr().get());
                    } else {
                        finalizing.execute(keyPair);
                    }
                    return null;
                });
            }
            LOG.debugf("Finalized order %s", order.getLocation());
            step = "waiting for the certificate";
            status = StatusPoll.await(order, EnumSet.of(Status.VALID, Status.INVALID), timeout, clock, sleeper);
            failIfInvalid(order, status, checkpoint);
            if (status != Status.VALID) {
                throw new AcmeFailure("The CA did not finish the order within " + timeout.toSeconds() + " s (status "
                        + status + "); the next request resumes it.");
            }
            step = "downloading the certificate";
            Certificate certificate = preferred(order.getCertificate());
            List<X509Certificate> chain = certificate.getCertificateChain();
            LOG.debugf("Downloaded the certificate of order %s", order.getLocation());
            Optional<RenewalAdvice> advice = ari.adviceFor(chain.get(0));
            return new IssuedChain(chain, keyPair, order.getLocation().toString(), advice,
                    account.directory(), login.getAccountLocation().toString());
        } catch (AcmeException e) {
            throw AcmeErrors.translate(e, step, account.directory());
        } catch (AcmeLazyLoadingException e) {
            // A bench burst got 500 "internal" from an authorization read that timed out.
            throw AcmeErrors.translate(e, step, account.directory());
        } finally {
            // Never throws: a record that cannot be removed is logged.
            removal.join();
        }
    }

    /** The chain {@code certfn.acme.preferred-chain} names among the CA's default and alternates; else the default. */
    private Certificate preferred(Certificate issued) {
        if (preferredChain.isEmpty()) {
            return issued;
        }
        List<Certificate> offered = new ArrayList<>();
        offered.add(issued);
        offered.addAll(issued.getAlternateCertificates());
        Optional<Certificate> chosen = preferredChain.get().pick(offered, Certificate::getCertificateChain);
        if (chosen.isEmpty()) {
            LOG.warnf("The CA offers no chain to a root named '%s' (certfn.acme.preferred-chain); serving its default. Offered: %s",
                    preferredChain.get().rootName(), offered.stream().map(c -> PreferredChain.rootNameOf(c.getCertificateChain())).toList());
        }
        return chosen.orElse(issued);
    }

    /** This CA's circuit breaker ({@link AcmeIssuer} asks an open one last). */
    CaCircuit circuit() {
        return circuit;
    }

    /** Whether the CA's directory offers renewal info; may read the directory (see {@link CaRenewalInfo}). */
    boolean offersRenewalInfo() {
        return ari.offered();
    }

    /** Whether {@link #offersRenewalInfo()} would answer from memory now. */
    boolean knowsWhetherRenewalInfoIsOffered() {
        return ari.knowsWhetherOffered();
    }

    /** Looks at the directory for {@link #offersRenewalInfo()} beside the caller. */
    void learnWhetherRenewalInfoIsOffered() {
        ari.learnWhetherOffered();
    }

    /** {@link #offersRenewalInfo()} from memory, without blocking: true while not known. */
    boolean mayOfferRenewalInfo() {
        return ari.mayBeOffered();
    }

    /** The CA's renewal info for {@code leaf} (see {@link CaRenewalInfo#adviceFor}). */
    Optional<RenewalAdvice> renewalInfo(X509Certificate leaf) {
        return ari.adviceFor(leaf);
    }

    /** Revokes {@code leaf} (see {@link CaRevocation#revoke}). @throws AcmeFailure the CA refused or failed */
    void revoke(X509Certificate leaf, KeyPair certificateKey, int reasonCode) {
        revocation.revoke(leaf, certificateKey, reasonCode);
    }

    /** Reads this CA's directory anew (readiness probe). @throws AcmeFailure saying why it cannot be read */
    void probeDirectory() {
        account.probeDirectory();
    }

    /** This CA's directory URL (resolved). */
    String directory() {
        return account.directory();
    }

    /**
     * Creates the order, naming the certificate it replaces when the CA has ARI. A CA that refuses
     * {@code replaces} (a replacement order already exists, the certificate is another account's or
     * another CA's) is asked again without it, once: otherwise every later request and sweep would
     * meet the same refusal until the certificate expired (lego, certmagic and cert-manager do the same).
     */
    private Order create(Login login, OrderRequest request) throws AcmeException, InterruptedException {
        if (request.profile().isPresent()) {
            profiles.checkOffered(login, request.profile().get());
        }
        boolean replacing = request.replaces().filter(r -> issued(r, login)).isPresent() && ari.offered();
        try {
            return retry.run("creating the order", () -> newOrder(login, request, replacing).create());
        } catch (AcmeServerException e) {
            if (CaProblems.accountGone(e.getProblem())) {
                throw new AccountGone(login, e);
            }
            if (!replacing || !CaProblems.refusesReplaces(e.getProblem())) {
                throw e;
            }
            LOG.warnf("The CA refused to let the order for %s replace the stored certificate (%s); ordering without replaces",
                    request.names(), AcmeErrors.describe(e.getProblem()));
            return retry.run("creating the order", () -> newOrder(login, request, false).create());
        }
    }

    private static OrderBuilder newOrder(Login login, OrderRequest request, boolean replacing) {
        OrderBuilder builder = login.newOrder().domains(request.names());
        request.profile().ifPresent(builder::profile);
        if (replacing) {
            builder.replaces(request.replaces().get().leaf());
        }
        return builder;
    }

    /**
     * Whether this CA's account issued {@code replaced}: only then may an order name it in {@code
     * replaces} (a CA refuses another account's or CA's certificate). One stored before certfn
     * recorded its directory counts as the first configured CA's, of any account.
     */
    private boolean issued(OrderRequest.Replaced replaced, Login login) {
        boolean sameDirectory = replaced.directory() == null ? first : replaced.directory().equals(account.directory());
        return sameDirectory && (replaced.account() == null || replaced.account().equals(login.getAccountLocation().toString()));
    }

    private record Resumed(Order order, KeyPair keyPair) {
    }

    /** The checkpointed order, if the CA can still finish it; else forgets it. */
    private Optional<Resumed> resume(Login login, OrderCheckpoint checkpoint) {
        Optional<PendingOrder> pending = checkpoint.load();
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        try {
            Order order = login.bindOrder(URI.create(pending.get().orderUrl()).toURL());
            order.fetch();
            Status status = order.getStatus();
            if (status == Status.INVALID || order.getExpires().map(clock.instant()::isAfter).orElse(false)) {
                LOG.infof("Stored order %s is %s; starting a new one", order.getLocation(), status);
                checkpoint.discard();
                return Optional.empty();
            }
            LOG.infof("Resuming ACME order %s (%s)", order.getLocation(), status);
            KeyPair keyPair = pending.get().keyPair() == null ? null : Pem.readKeyPair(pending.get().keyPair());
            return Optional.of(new Resumed(order, keyPair));
        } catch (AcmeException e) {
            if (CaProblems.isTransient(e)) {
                // The CA is having trouble, not the order: the next request resumes it instead of ordering again.
                throw AcmeErrors.translate(e, "resuming the order " + pending.get().orderUrl(), account.directory());
            }
            LOG.warnf("Stored order %s cannot be resumed (%s); starting a new one", pending.get().orderUrl(), e.getMessage());
            checkpoint.discard();
            return Optional.empty();
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warnf("Stored order %s cannot be resumed (%s); starting a new one", pending.get().orderUrl(), e.getMessage());
            checkpoint.discard();
            return Optional.empty();
        }
    }

    /**
     * Publishes, validates and then removes the challenge records of the order's pending
     * authorizations. On success the removal runs beside the rest of the order (the returned
     * future); on failure it is done before this method throws.
     */
    private CompletableFuture<Void> authorize(Order order, OrderCheckpoint checkpoint, CompletableFuture<Void> checkpointed,
            Dns01Records.OrderRecords records, OrderFence fence, boolean resumed) throws AcmeException, InterruptedException {
        // A resumed order's challenges that were answered before (valid, or being validated) may have left their records.
        List<Authorization> answeredBefore = new ArrayList<>();
        List<Dns01Challenge> challenges = new ArrayList<>();
        boolean validated = false;
        try {
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() == Status.VALID) {
                    answeredBefore.add(auth);
                    continue;
                }
                String identifier = auth.getIdentifier().getDomain();
                if (auth.getStatus() != Status.PENDING) {
                    checkpoint.discard();
                    throw new AcmeFailure("The CA's authorization for " + identifier + " is " + auth.getStatus()
                            + auth.getChallenges().stream().flatMap(c -> c.getError().stream())
                                    .map(p -> ": " + AcmeErrors.describe(p)).findFirst().orElse(""));
                }
                Dns01Challenge challenge = auth.findChallenge(Dns01Challenge.class).orElseThrow(() ->
                        new AcmeFailure("The CA offers no dns-01 challenge for " + identifier + "."));
                LOG.debugf("Authorization for %s is pending", identifier);
                if (challenge.getStatus() == Status.PENDING) {
                    // A CNAME at _acme-challenge delegates the record to another zone (and other credentials).
                    records.add(Dns01Records.stripDot(challenge.getRRName(auth.getIdentifier())), challenge.getDigest());
                } else {
                    answeredBefore.add(auth);
                }
                challenges.add(challenge);
            }
            records.publishAndAwait(fence);
            // A triggered challenge is worth resuming only if another instance can find the order.
            join(checkpointed);
            fence.check("triggering the challenges");
            for (Dns01Challenge challenge : challenges) {
                if (challenge.getStatus() == Status.PENDING) {
                    retry.run("triggering the challenge", () -> {
                        challenge.trigger();
                        return null;
                    });
                }
            }
            LOG.debugf("Triggered %d challenge(s)", challenges.size());
            for (Dns01Challenge challenge : challenges) {
                Status status = StatusPoll.await(challenge, EnumSet.of(Status.VALID, Status.INVALID), timeout, clock, sleeper);
                if (status == Status.INVALID) {
                    checkpoint.discard();
                }
                if (status != Status.VALID) {
                    String detail = "The CA could not validate the dns-01 challenge (status " + status + ")"
                            + challenge.getError().map(p -> ": " + AcmeErrors.describe(p)).orElse("");
                    throw challenge.getError().map(p -> AcmeErrors.validationFailure(p, detail)).orElseGet(() -> new AcmeFailure(detail));
                }
            }
            validated = true;
        } finally {
            if (!validated) {
                records.remove(fence);
                if (resumed) {
                    join(dns01.removeLeftovers(answeredBefore, fence));
                }
            }
        }
        CompletableFuture<Void> leftovers = resumed ? dns01.removeLeftovers(answeredBefore, fence) : CompletableFuture.completedFuture(null);
        return records.removeBeside(fence).thenCombine(leftovers, (a, b) -> null);
    }

    /** The result of work run beside the order; its failure as if it had run on this thread. */
    private static <T> T join(CompletableFuture<T> work) throws InterruptedException {
        try {
            return work.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static void failIfInvalid(Order order, Status status, OrderCheckpoint checkpoint) {
        if (status == Status.INVALID) {
            checkpoint.discard();
            String detail = "The CA marked the order invalid" + order.getError().map(p -> ": " + AcmeErrors.describe(p)).orElse(".");
            throw order.getError().map(p -> AcmeErrors.validationFailure(p, detail)).orElseGet(() -> new AcmeFailure(detail));
        }
    }

}
