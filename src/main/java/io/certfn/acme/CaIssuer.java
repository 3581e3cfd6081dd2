package io.certfn.acme;

import io.certfn.time.Sleeper;
import java.time.Clock;
import io.certfn.config.CertfnConfig;
import io.certfn.crypto.Pem;
import io.certfn.dns.ChallengeRecord;
import io.certfn.dns.DnsLookup;
import io.certfn.dns.DnsProvider;
import io.certfn.dns.PropagationCheck;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.RevocationReason;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
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
 */
final class CaIssuer {

    private static final Logger LOG = Logger.getLogger(CaIssuer.class);

    private final AcmeAccount account;
    private final DnsProvider dns;
    private final DnsLookup lookup;
    private final PropagationCheck propagation;
    /** Told how long the challenge records took to be seen (a metric). */
    private final java.util.function.Consumer<java.time.Duration> propagationSeen;
    private final Duration timeout;
    private final Duration propagationTimeout;
    private final Duration propagationWait;
    private final Optional<String> preferredChain;
    private final Duration checkInterval;
    /** Whether this is the first configured CA (certificates of unknown origin count as its). */
    private final boolean first;
    private final Optional<String> defaultProfile;
    private final ExecutorService beside = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "certfn-order-io");
        t.setDaemon(true);
        return t;
    });

    private final Clock clock;
    private final Sleeper sleeper;

    CaIssuer(AcmeAccount account, boolean first, DnsProvider dns, DnsLookup lookup, PropagationCheck propagation, CertfnConfig config,
            java.util.function.Consumer<java.time.Duration> propagationSeen, Clock clock, Sleeper sleeper) {
        this.propagationSeen = propagationSeen;
        this.clock = clock;
        this.sleeper = sleeper;
        this.first = first;
        this.account = account;
        this.dns = dns;
        this.lookup = lookup;
        this.propagation = propagation;
        this.timeout = config.acme().timeout();
        this.propagationTimeout = config.dns().propagationTimeout();
        this.propagationWait = config.dns().propagationWait();
        this.preferredChain = config.acme().preferredChain();
        this.checkInterval = config.renewal().checkInterval();
        this.defaultProfile = config.acme().profile().map(String::strip);
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

    /** RFC 8555 §7.3: accountDoesNotExist; a deactivated account is refused as unauthorized, naming it. */
    static boolean accountGone(Problem problem) {
        String type = problem.getType().toString();
        String detail = problem.getDetail().orElse("").toLowerCase(java.util.Locale.ROOT);
        return type.endsWith(":accountDoesNotExist")
                || (type.endsWith(":unauthorized") && detail.contains("account") && detail.contains("deactivated"));
    }

    private IssuedChain issueAs(Login login, OrderRequest request, OrderCheckpoint unfenced, OrderFence fence) throws InterruptedException {
        OrderCheckpoint checkpoint = unfenced.fencedBy(fence);
        String step = "resuming the order";
        CompletableFuture<Void> removal = CompletableFuture.completedFuture(null);
        Map<String, Ahead> ahead = lookAhead(request.names());
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
                checkEchoedProfile(order, request);
                String orderUrl = order.getLocation().toString();
                Instant created = clock.instant();
                checkpointed = key.thenAcceptAsync(keyPair -> checkpoint.save(
                        new PendingOrder(orderUrl, keyPair == null ? null : Pem.keyPair(keyPair), created, account.directory())), beside);
                LOG.infof("Created ACME order %s for %s", order.getLocation(), request.names());
            }
            if (order.getStatus() == Status.PENDING) {
                step = "validating the DNS-01 challenges";
                removal = authorize(order, checkpoint, checkpointed, ahead, fence, resumed.isPresent());
            } else if (resumed.isPresent()) {
                removal = removeLeftovers(order.getAuthorizations(), fence);
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
                retrying(step, () -> {
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
            Optional<RenewalAdvice> advice = renewalInfo(chain.get(0));
            return new IssuedChain(chain, keyPair, order.getLocation().toString(), advice,
                    account.directory(), login.getAccountLocation().toString());
        } catch (AcmeException e) {
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
        Optional<Certificate> chosen = issued.findCertificate(preferredChain.get());
        if (chosen.isEmpty()) {
            List<X509Certificate> chain = issued.getCertificateChain();
            LOG.warnf("The CA offers no chain issued by '%s' (certfn.acme.preferred-chain); serving its default, issued by %s",
                    preferredChain.get(), chain.get(chain.size() - 1).getIssuerX500Principal().getName());
        }
        return chosen.orElse(issued);
    }

    /** How long to wait before asking for renewal info again when the CA said nothing or failed (RFC 9773 §4.3). */
    static final Duration ARI_RETRY = Duration.ofHours(6);

    /** How long a look at whether the CA offers renewal info is trusted (acme4j reads the directory again on each look). */
    private static final Duration ARI_OFFER_KNOWN = Duration.ofHours(1);
    /** How long a failed look counts as "no renewal info": a directory slow or down for a moment must not hide ARI for an hour. */
    private static final Duration ARI_OFFER_UNREADABLE = Duration.ofMinutes(1);
    /** Whether the CA offers renewal info, and until when that answer is kept (null: not known yet). */
    private volatile boolean ariOffered;
    private volatile Instant ariOfferKnownUntil;
    /** A look at the directory started by {@link #learnWhetherRenewalInfoIsOffered()} is under way. */
    private final java.util.concurrent.atomic.AtomicBoolean ariOfferLooking = new java.util.concurrent.atomic.AtomicBoolean();

    /** Whether the CA's directory offers renewal info; looked at once an hour (false while the directory cannot be read). */
    boolean offersRenewalInfo() {
        Instant now = clock.instant();
        Instant knownUntil = ariOfferKnownUntil;
        if (knownUntil != null && now.isBefore(knownUntil)) {
            return ariOffered;
        }
        boolean offered;
        Duration kept = ARI_OFFER_KNOWN;
        try {
            offered = account.login().getSession().resourceUrlOptional(Resource.RENEWAL_INFO).isPresent();
        } catch (AcmeException | RuntimeException e) {
            offered = false;
            kept = ARI_OFFER_UNREADABLE;
        }
        ariOffered = offered;
        ariOfferKnownUntil = now.plus(kept);
        return offered;
    }

    /** Whether {@link #offersRenewalInfo()} would answer from memory now, without reading the directory. */
    boolean knowsWhetherRenewalInfoIsOffered() {
        Instant knownUntil = ariOfferKnownUntil;
        return knownUntil != null && clock.instant().isBefore(knownUntil);
    }

    /**
     * Reads the directory for {@link #offersRenewalInfo()} on a side thread, one look at a time: a
     * request for a stored certificate never waits for the CA (a cold instance's first request, a
     * CA slow or down).
     */
    void learnWhetherRenewalInfoIsOffered() {
        if (ariOfferLooking.compareAndSet(false, true)) {
            beside.execute(() -> {
                try {
                    offersRenewalInfo();
                } finally {
                    ariOfferLooking.set(false);
                }
            });
        }
    }

    /** {@link #offersRenewalInfo()} from memory, without blocking: true while not known. */
    boolean mayOfferRenewalInfo() {
        return !knowsWhetherRenewalInfoIsOffered() || ariOffered;
    }

    /**
     * The CA's renewal info for {@code leaf}; empty when the CA has no ARI. A failure to ask is
     * advice too: ask again in 6 hours, keep the current window.
     */
    Optional<RenewalAdvice> renewalInfo(X509Certificate leaf) {
        if (!offersRenewalInfo()) {
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
            // Begun, or ending before the next sweep could see it: now.
            Instant renewAt = info.getRandomProposal(checkInterval).orElse(now);
            return Optional.of(new RenewalAdvice(Optional.of(new RenewalWindow(start, end)), Optional.of(renewAt), retryAfter,
                    info.getExplanation()));
        } catch (AcmeException | RuntimeException e) {
            LOG.warnf("Could not read the CA's renewal info for serial %s (%s); asking again in 6 h", leaf.getSerialNumber().toString(16),
                    e.getMessage());
            return Optional.of(RenewalAdvice.none(now.plus(ARI_RETRY)));
        }
    }

    /**
     * Revokes {@code leaf} at the CA for the RFC 5280 reason {@code reasonCode}. {@code
     * keyCompromise} is signed with the certificate's own key when certfn holds it ({@code
     * certificateKey}; null in CSR mode): CAs take that as proof of the compromise and refuse the
     * key for good (Let's Encrypt accepts keyCompromise only so); other reasons with the account.
     * A certificate the CA already revoked counts as revoked.
     *
     * @throws AcmeFailure the CA refused or failed (its problem in the detail)
     */
    void revoke(X509Certificate leaf, KeyPair certificateKey, int reasonCode) {
        RevocationReason reason = RevocationReason.code(reasonCode);
        String step = "revoking the certificate with serial " + leaf.getSerialNumber().toString(16);
        try {
            retrying(step, () -> {
                if (reason == RevocationReason.KEY_COMPROMISE && certificateKey != null) {
                    Certificate.revoke(account.login().getSession(), certificateKey, leaf, reason);
                } else {
                    Certificate.revoke(account.login(), leaf, reason);
                }
                return null;
            });
            LOG.infof("Revoked the certificate with serial %s for %s (%s)", leaf.getSerialNumber().toString(16),
                    leaf.getSubjectX500Principal().getName(), reason);
        } catch (AcmeServerException e) {
            if (e.getProblem().getType().toString().endsWith(":alreadyRevoked")) {
                return;
            }
            throw AcmeErrors.translate(e, step, account.directory());
        } catch (AcmeException e) {
            throw AcmeErrors.translate(e, step, account.directory());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AcmeFailure("Interrupted while " + step);
        }
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
            checkProfile(login, request.profile().get());
        }
        boolean replacing = request.replaces().filter(r -> issued(r, login)).isPresent() && offersRenewalInfo();
        try {
            return retrying("creating the order", () -> newOrder(login, request, replacing).create());
        } catch (AcmeServerException e) {
            if (accountGone(e.getProblem())) {
                throw new AccountGone(login, e);
            }
            if (!replacing || !refusesReplaces(e.getProblem())) {
                throw e;
            }
            LOG.warnf("The CA refused to let the order for %s replace the stored certificate (%s); ordering without replaces",
                    request.names(), AcmeErrors.describe(e.getProblem()));
            return retrying("creating the order", () -> newOrder(login, request, false).create());
        }
    }

    /**
     * A profile the CA's directory does not list is refused before anything is ordered (acme4j
     * would throw); the server's default ({@code certfn.acme.profile}) is named as such.
     */
    private void checkProfile(Login login, String profile) throws AcmeException {
        var metadata = login.getSession().getMetadata();
        String asked = defaultProfile.filter(profile::equals).isPresent()
                ? "certfn.acme.profile '" + profile + "' (the server's default profile)" : "profile '" + profile + "'";
        String fix = asked.startsWith("certfn") ? "change or unset certfn.acme.profile" : "leave 'profile' out";
        if (!metadata.isProfileAllowed()) {
            throw new InvalidProfile(asked + " was asked for, but the CA at " + account.directory() + " offers no profiles; " + fix + ".");
        }
        if (!metadata.isProfileAllowed(profile)) {
            throw new InvalidProfile(asked + " is not offered by the CA at " + account.directory()
                    + "; it offers: " + String.join(", ", new java.util.TreeSet<>(metadata.getProfiles())) + ".");
        }
    }

    /**
     * The profile the CA created the order with, where it says (RFC draft acme-profiles §4), must
     * be the one asked for: a certificate of another profile would be stored and served as this one.
     */
    private static void checkEchoedProfile(Order order, OrderRequest request) {
        if (request.profile().isEmpty()) {
            return;
        }
        Optional<String> echoed = order.getJSON().get("profile").optional().map(v -> v.asString());
        if (echoed.isPresent() && !echoed.get().equals(request.profile().get())) {
            throw new AcmeFailure("The CA created the order " + order.getLocation() + " with profile '" + echoed.get()
                    + "', not the requested '" + request.profile().get() + "'; nothing was validated or issued.");
        }
    }

    /** One request to the CA. */
    private interface AcmeCall<T> {
        T run() throws AcmeException;
    }

    /**
     * Runs {@code call}, again after a transient failure of the CA (a 5xx or {@code serverInternal}
     * answer, a dropped connection): at most {@value #TRIES} tries, 1 s then 2 s apart, or when the
     * CA's {@code Retry-After} says, if later and within {@link #MAX_RETRY_WAIT}. A CA in an
     * incident often answers the next try; a refusal is never asked twice.
     */
    private <T> T retrying(String step, AcmeCall<T> call) throws AcmeException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (AcmeException e) {
                if (attempt >= TRIES || !isTransient(e)) {
                    throw e;
                }
                Duration pause = Duration.ofSeconds(attempt);
                if (e instanceof CaRetryAfterException busy) {
                    Duration asked = Duration.between(clock.instant(), busy.retryAfter());
                    if (asked.compareTo(MAX_RETRY_WAIT) > 0) {
                        throw e; // longer than an order waits: the caller gets the CA's Retry-After
                    }
                    pause = asked.compareTo(pause) > 0 ? asked : pause;
                }
                LOG.infof("The CA failed %s (%s); trying again in %d ms (%d of %d)", step, e.getMessage(), pause.toMillis(), attempt + 1,
                        TRIES);
                sleeper.sleep(pause);
            }
        }
    }

    /** The longest Retry-After of a failing CA an order waits out before giving up with it. */
    static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(30);

    private static final int TRIES = 3;

    static boolean isTransient(AcmeException e) {
        if (e instanceof org.shredzone.acme4j.exception.AcmeNetworkException) {
            return true;
        }
        if (e instanceof org.shredzone.acme4j.exception.AcmeRateLimitedException || !(e instanceof AcmeServerException server)) {
            return false;
        }
        Problem problem = server.getProblem();
        return problem.getType().toString().endsWith(":serverInternal")
                || problem.asJSON().get("status").optional().map(v -> v.asInt() >= 500).orElse(false);
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

    /** RFC 9773 §5: alreadyReplaced / conflict (409), or a refusal whose text is about {@code replaces}. */
    static boolean refusesReplaces(Problem problem) {
        String type = problem.getType().toString();
        if (type.endsWith(":alreadyReplaced") || type.endsWith(":conflict")) {
            return true;
        }
        boolean status409 = problem.asJSON().get("status").optional().map(v -> v.asInt() == 409).orElse(false);
        boolean aboutReplaces = problem.getDetail().map(d -> d.toLowerCase(java.util.Locale.ROOT).contains("replace")).orElse(false);
        return status409 || (aboutReplaces && (type.endsWith(":unauthorized") || type.endsWith(":malformed")));
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
            if (isTransient(e)) {
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
            Map<String, Ahead> ahead, OrderFence fence, boolean resumed) throws AcmeException, InterruptedException {
        List<ChallengeRecord> records = new ArrayList<>();
        // A resumed order's challenges that were answered before (valid, or being validated) may have left their records.
        List<Authorization> answeredBefore = new ArrayList<>();
        Map<ChallengeRecord, CompletableFuture<List<InetSocketAddress>>> lookedUp = new HashMap<>();
        List<Dns01Challenge> challenges = new ArrayList<>();
        List<ChallengeRecord> published = new ArrayList<>();
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
                    String rrName = stripDot(challenge.getRRName(auth.getIdentifier()));
                    Ahead known = ahead.get(rrName);
                    String target = known == null ? lookup.canonicalName(rrName)
                            : result(known.target()).orElseGet(() -> lookup.canonicalName(rrName));
                    if (!target.equals(rrName)) {
                        LOG.infof("%s is a CNAME: publishing the challenge at %s", rrName, target);
                    }
                    ChallengeRecord record = new ChallengeRecord(target, challenge.getDigest());
                    records.add(record);
                    if (known != null) {
                        lookedUp.put(record, known.servers());
                    }
                } else {
                    answeredBefore.add(auth);
                }
                challenges.add(challenge);
            }
            if (!records.isEmpty()) {
                for (ChallengeRecord record : records) {
                    fence.check("publishing the challenge record " + record.name());
                    dns.publish(record);
                    published.add(record);
                }
                Map<ChallengeRecord, List<InetSocketAddress>> servers = new LinkedHashMap<>();
                for (ChallengeRecord record : records) {
                    CompletableFuture<List<InetSocketAddress>> known = lookedUp.get(record);
                    servers.put(record, (known == null ? Optional.<List<InetSocketAddress>>empty() : result(known))
                            .orElseGet(() -> propagation.serversFor(record.name())));
                }
                long publishedAt = System.nanoTime();
                PropagationCheck.await(servers, propagationTimeout);
                propagationSeen.accept(java.time.Duration.ofNanos(System.nanoTime() - publishedAt));
                LOG.debugf("TXT visible at the authoritative servers: %s", published);
                if (!propagationWait.isZero()) {
                    sleeper.sleep(propagationWait);
                }
            }
            // A triggered challenge is worth resuming only if another instance can find the order.
            join(checkpointed);
            fence.check("triggering the challenges");
            for (Dns01Challenge challenge : challenges) {
                if (challenge.getStatus() == Status.PENDING) {
                    retrying("triggering the challenge", () -> {
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
                remove(published, fence);
                if (resumed) {
                    join(removeLeftovers(answeredBefore, fence));
                }
            }
        }
        CompletableFuture<Void> leftovers = resumed ? removeLeftovers(answeredBefore, fence) : CompletableFuture.completedFuture(null);
        return CompletableFuture.runAsync(() -> remove(published, fence), beside).thenCombine(leftovers, (a, b) -> null);
    }

    /**
     * Removes the records an earlier attempt at a resumed order published for {@code authorizations}
     * (whose challenges it answered before it stopped): the same name and value again, as DNS-01
     * values depend only on the token and the account key. Removing a value that is gone is a no-op.
     */
    private CompletableFuture<Void> removeLeftovers(List<Authorization> authorizations, OrderFence fence) {
        if (authorizations.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> {
            List<ChallengeRecord> leftovers = new ArrayList<>();
            for (Authorization auth : authorizations) {
                try {
                    auth.findChallenge(Dns01Challenge.class).ifPresent(challenge -> {
                        String rrName = stripDot(challenge.getRRName(auth.getIdentifier()));
                        leftovers.add(new ChallengeRecord(lookup.canonicalName(rrName), challenge.getDigest()));
                    });
                } catch (RuntimeException e) {
                    LOG.warnf("Could not find the challenge record an earlier attempt left for %s: %s", auth.getIdentifier().getDomain(),
                            e.getMessage());
                }
            }
            remove(leftovers, fence);
        }, beside);
    }

    /** Where a name's challenge record goes (after CNAMEs) and which servers must answer it, being looked up. */
    private record Ahead(CompletableFuture<String> target, CompletableFuture<List<InetSocketAddress>> servers) {
    }

    /**
     * Starts the DNS lookups each name's challenge record will need, by record name ({@code
     * _acme-challenge.<name>}), before the CA says which names need one: the CNAME target, then its
     * zone at the DNS provider and its authoritative servers side by side. A lookup that fails
     * here is made again, on the order's thread, only if the CA asks for that record — so its
     * error comes where it always came.
     */
    private Map<String, Ahead> lookAhead(List<String> names) {
        Map<String, Ahead> ahead = new HashMap<>();
        // An order's names often share a zone: its name servers are looked up once.
        Map<String, CompletableFuture<List<InetSocketAddress>>> zones = new ConcurrentHashMap<>();
        for (String name : names) {
            String rrName = "_acme-challenge." + (name.startsWith("*.") ? name.substring(2) : name);
            ahead.computeIfAbsent(rrName, rr -> {
                CompletableFuture<String> target = CompletableFuture.supplyAsync(() -> lookup.canonicalName(rr), beside);
                target.thenAcceptAsync(dns::prepare, beside);
                CompletableFuture<List<InetSocketAddress>> servers = target.thenApplyAsync(lookup::zoneOf, beside)
                        .thenCompose(zone -> zones.computeIfAbsent(zone,
                                z -> CompletableFuture.supplyAsync(() -> lookup.nameservers(z), beside)));
                return new Ahead(target, servers);
            });
        }
        return ahead;
    }

    /** The looked-up value, waiting for it; empty when the lookup failed. */
    private static <T> Optional<T> result(CompletableFuture<T> lookup) {
        try {
            return Optional.of(lookup.join());
        } catch (RuntimeException e) {
            LOG.debugf("A lookup made ahead of the order failed (%s); making it again", e.getMessage());
            return Optional.empty();
        }
    }

    /** Removes the records; those of an order another instance took over are left to it (it may share them). */
    private void remove(List<ChallengeRecord> published, OrderFence fence) {
        for (ChallengeRecord record : published) {
            try {
                fence.check("removing the challenge record " + record.name());
                dns.remove(record);
            } catch (RuntimeException e) {
                LOG.warnf("Could not remove TXT %s: %s", record.name(), e.getMessage());
            }
        }
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

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
