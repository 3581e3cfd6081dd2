package io.certfn.cloud.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.acme.AcmeAccounts;
import io.certfn.api.Problem;
import io.certfn.api.RenderedAnswers;
import io.certfn.certs.CertificateCache;
import io.certfn.policy.PolicyService;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.util.List;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.jboss.logging.Logger;

/**
 * Lambda SnapStart (the SAM template publishes versions with {@code SnapStart: ApplyOn:
 * PublishedVersions}): Lambda snapshots the initialised process once and starts every instance of
 * the version from that snapshot, so whatever the snapshot holds, every restored instance holds
 * alike. Before the snapshot certfn primes what a request runs through and then drops everything
 * unique or secret it may hold in memory: the ACME sessions (each keeps the CA's last nonce, which
 * two restored instances would both send) and the account key, the cached certificates and
 * rendered answers (private keys). No lease is held between requests, and a lease's owner id is
 * drawn at each acquisition from {@link java.util.UUID#randomUUID()}, whose SecureRandom (NativePRNG)
 * mixes fresh {@code /dev/urandom} bytes into every call — so restored instances draw different
 * ids, and each asks the CA for a nonce of its own at its first order.
 *
 * <p>Registered with the CRaC API (org.crac), which Lambda's Java runtime calls around the snapshot;
 * on a JVM without CRaC nothing calls it.
 */
@Startup
@Singleton
public class SnapStartHooks implements Resource {

    private static final Logger LOG = Logger.getLogger(SnapStartHooks.class);

    private final AcmeAccounts accounts;
    private final CertificateCache cache;
    private final RenderedAnswers rendered;
    private final PolicyService policy;
    private final ObjectMapper json;

    public SnapStartHooks(AcmeAccounts accounts, CertificateCache cache, RenderedAnswers rendered, PolicyService policy, ObjectMapper json) {
        this.accounts = accounts;
        this.cache = cache;
        this.rendered = rendered;
        this.policy = policy;
        this.json = json;
        Core.getGlobalContext().register(this);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        try {
            prime();
        } catch (Exception e) {
            // A snapshot without priming still serves; its first requests are only slower.
            LOG.warnf("Priming before the snapshot failed: %s", e.toString());
        }
        forget();
        LOG.info("Snapshot: request path primed; ACME sessions, account key and cached certificates dropped");
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        LOG.info("Restored from a snapshot: ACME sessions, leases and caches start empty");
    }

    /**
     * What every request runs through, loaded once for all restored instances: the answer's and a
     * problem's JSON (Jackson builds a serializer per type at its first use), the policy's lookups.
     * Nothing it makes is kept.
     */
    void prime() throws java.io.IOException {
        json.writeValueAsBytes(new io.certfn.api.CertificateResponse("primed.invalid", List.of("primed.invalid"), "-", "-", "-", "-", null,
                "1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "00", null, true,
                List.of(new io.certfn.certs.DeliveryStatus("acm:primed", io.certfn.certs.DeliveryStatus.PENDING, null, null))));
        json.writeValueAsBytes(Problem.of("Primed", 400, "invalid_body", null, "priming before the snapshot", null));
        policy.targetsFor(List.of("primed.invalid"));
        policy.isOpen();
    }

    /** Drops what two restored instances must not share, or what must not sit in a snapshot. */
    void forget() {
        accounts.forgetSessions();
        cache.clear();
        rendered.clear();
    }
}
