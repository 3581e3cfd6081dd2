package io.certfn.acme;

import io.certfn.dns.DnsConfig;import io.certfn.dns.DnsLookup;
import io.certfn.dns.DnsProvider;
import io.certfn.dns.PropagationCheck;
import jakarta.inject.Singleton;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The CAs of {@code certfn.acme.directory}, in order: an order goes to the first, and to the next
 * only when one cannot be reached, fails (5xx) or rate-limits certfn's account and left no order
 * to resume (Caddy falls back to ZeroSSL the same way); an order in progress is resumed at the CA
 * that has it. Renewal info and revocation go to the CA that issued the certificate.
 */
@Singleton
public class AcmeIssuer {

    private static final Logger LOG = Logger.getLogger(AcmeIssuer.class);

    private final List<CaIssuer> cas;

    public AcmeIssuer(AcmeAccounts accounts, DnsProvider dns, DnsLookup lookup, PropagationCheck propagation, AcmeConfig config,
            DnsConfig dnsConfig, RenewalCheckConfig renewal,
            io.certfn.metrics.CertfnMetrics metrics, java.time.Clock clock, io.certfn.time.Sleeper sleeper) {
        List<CaIssuer> built = new ArrayList<>();
        for (AcmeAccount account : accounts.all()) {
            built.add(new CaIssuer(account, built.isEmpty(), dns, lookup, propagation, config, dnsConfig, renewal, metrics::dnsPropagation, clock, sleeper));
        }
        this.cas = List.copyOf(built);
        cas.forEach(ca -> metrics.caCircuit(ca.directory(), ca.circuit()::open));
    }

    /**
     * Orders (or resumes) and downloads the certificate: at the CA holding the checkpointed order,
     * else at each CA in turn while the previous one is unavailable. Blocks for the whole order.
     *
     * @throws AcmeFailure the CA refused, failed or rate-limited (every CA asked, when none could serve)
     * @throws io.certfn.dns.DnsException the challenge record could not be published or seen
     * @throws InterruptedException when the thread is interrupted while waiting
     * @throws RuntimeException what {@code fence} throws when this instance may no longer act on the order
     */
    public IssuedChain issue(OrderRequest request, OrderCheckpoint checkpoint, OrderFence fence) throws InterruptedException {
        Optional<PendingOrder> pending = checkpoint.load();
        if (pending.isPresent()) {
            Optional<CaIssuer> holder = ca(pending.get().directory());
            if (holder.isPresent()) {
                return holder.get().issue(request, checkpoint, fence);
            }
            LOG.warnf("Stored order %s is at %s, which certfn.acme.directory no longer names; starting a new one",
                    pending.get().orderUrl(), pending.get().directory());
            checkpoint.fencedBy(fence).discard();
        }
        List<CaIssuer> order = askingOrder();
        List<AcmeFailure> failed = new ArrayList<>();
        List<String> profileRefusals = new ArrayList<>();
        for (CaIssuer ca : order) {
            boolean last = ca == order.get(order.size() - 1);
            try {
                IssuedChain issued = ca.issue(request, checkpoint, fence);
                ca.circuit().served();
                return issued;
            } catch (InvalidProfile e) {
                // Checked before anything is ordered: a CA that offers the profile may serve it.
                profileRefusals.add(e.getMessage());
                if (last) {
                    throw profileRefusals.size() == 1 ? e : new InvalidProfile("No configured CA offers it. " + String.join(" ", profileRefusals));
                }
                LOG.infof("%s Asking the next CA.", e.getMessage());
            } catch (AcmeFailure e) {
                countAgainst(ca, e);
                boolean profileGone = e.reason().filter("invalidProfile"::equals).isPresent();
                boolean next = (e.tryAnotherCa() || profileGone) && checkpoint.load().isEmpty() && !last;
                failed.add(e);
                if (!next) {
                    throw failed.size() == 1 ? e : alsoFailed(e, failed);
                }
                LOG.warnf("The CA at %s could not serve the order for %s (%s: %s); asking the next one", ca.directory(), request.names(),
                        e.code(), e.getMessage());
            }
        }
        throw new IllegalStateException("no CA configured"); // not reached: certfn.acme.directory names at least one
    }

    /** The CAs in their configured order, those whose circuit is open ({@link CaCircuit}) after the others. */
    private List<CaIssuer> askingOrder() {
        List<CaIssuer> closed = new ArrayList<>();
        List<CaIssuer> open = new ArrayList<>();
        for (CaIssuer ca : cas) {
            (ca.circuit().open() ? open : closed).add(ca);
        }
        closed.addAll(open);
        return closed;
    }

    /** An order {@code ca} could not serve (not a refusal, not a rate limit of the account) counts towards its circuit. */
    private static void countAgainst(CaIssuer ca, AcmeFailure e) {
        if (!e.tryAnotherCa() || e instanceof AcmeRateLimited) {
            return;
        }
        boolean wasOpen = ca.circuit().open();
        ca.circuit().failed(e.retryAt());
        if (!wasOpen && ca.circuit().open()) {
            LOG.warnf("The CA at %s could not serve %d orders in a row; until %s the other configured CAs are asked first "
                    + "(certfn.acme.circuit-breaker.*)", ca.directory(), ca.circuit().failuresInARow(), ca.circuit().openUntil().orElseThrow());
        }
    }

    /** {@code last}, with what the CAs asked before it answered (so the detail names every CA). */
    private static AcmeFailure alsoFailed(AcmeFailure last, List<AcmeFailure> failed) {
        if (!last.tryAnotherCa()) {
            return last; // the last CA's own refusal is the answer; the earlier CAs are in the log
        }
        StringBuilder detail = new StringBuilder(last.getMessage());
        for (AcmeFailure earlier : failed.subList(0, failed.size() - 1)) {
            detail.append(" Before it: ").append(earlier.getMessage());
        }
        return last instanceof AcmeRateLimited
                ? new AcmeRateLimited(detail.toString(), last.retryAt(), last)
                : AcmeFailure.caUnavailable(detail.toString(), last, last.retryAt());
    }

    /** The CA {@code directory} names (resolved); null, as stored before certfn recorded it, is the first. */
    private Optional<CaIssuer> ca(String directory) {
        if (directory == null) {
            return Optional.of(cas.get(0));
        }
        return cas.stream().filter(ca -> ca.directory().equals(directory)).findFirst();
    }

    /** Whether {@code directory} (a certificate's or an order's; null: unknown, the first's) is one certfn orders from. */
    public boolean configured(String directory) {
        return ca(directory).isPresent();
    }

    /** Whether the CA that issued a certificate of {@code directory} offers renewal info (looked at once an hour). */
    public boolean offersRenewalInfo(String directory) {
        return ca(directory).map(CaIssuer::offersRenewalInfo).orElse(false);
    }

    /** {@link #offersRenewalInfo} from memory, without blocking: true while not known. */
    public boolean mayOfferRenewalInfo(String directory) {
        return ca(directory).map(CaIssuer::mayOfferRenewalInfo).orElse(false);
    }

    /** Whether {@link #offersRenewalInfo} would answer from memory now (true for a CA certfn no longer orders from). */
    public boolean knowsWhetherRenewalInfoIsOffered(String directory) {
        return ca(directory).map(CaIssuer::knowsWhetherRenewalInfoIsOffered).orElse(true);
    }

    /** Reads the directory for {@link #offersRenewalInfo} beside the caller, one look at a time. */
    public void learnWhetherRenewalInfoIsOffered(String directory) {
        ca(directory).ifPresent(CaIssuer::learnWhetherRenewalInfoIsOffered);
    }

    /** The renewal info of {@code leaf} from the CA at {@code directory} that issued it; empty when that CA has no ARI. */
    public Optional<RenewalAdvice> renewalInfo(X509Certificate leaf, String directory) {
        return ca(directory).flatMap(ca -> ca.renewalInfo(leaf));
    }

    /**
     * Revokes {@code leaf} at the CA at {@code directory} that issued it.
     *
     * @throws AcmeFailure the CA refused or failed, or certfn no longer orders from it
     */
    public void revoke(X509Certificate leaf, KeyPair certificateKey, int reasonCode, String directory) {
        ca(directory).orElseThrow(() -> new AcmeFailure("The certificate was issued by the CA at " + directory
                + ", which certfn.acme.directory no longer names; revoke it there (or add it back)."))
                .revoke(leaf, certificateKey, reasonCode);
    }

    /** Each CA asked last for now (its circuit open), by directory URL, with until when and why: for readiness, as data. */
    public java.util.Map<String, String> openCircuits() {
        java.util.Map<String, String> open = new java.util.LinkedHashMap<>();
        for (CaIssuer ca : cas) {
            ca.circuit().openUntil().ifPresent(until -> open.put("circuit-open " + ca.directory(),
                    "asked after the other CAs until " + until + ": " + ca.circuit().failuresInARow() + " orders in a row failed"));
        }
        return open;
    }

    /** For the readiness probe: each CA whose directory cannot be read now, by directory URL, with why. */
    public java.util.Map<String, String> directoryProblems() {
        java.util.Map<String, String> problems = new java.util.LinkedHashMap<>();
        for (CaIssuer ca : cas) {
            try {
                ca.probeDirectory();
            } catch (RuntimeException e) {
                problems.put(ca.directory(), e.getMessage());
            }
        }
        return problems;
    }
}
