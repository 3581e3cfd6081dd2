package io.certfn.acme;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import org.jboss.logging.Logger;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.RevocationReason;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * Revokes a certificate at one CA (RFC 8555 §7.6). {@code keyCompromise} is signed with the
 * certificate's own key when certfn holds it: CAs take that as proof of the compromise and refuse
 * the key for good (Let's Encrypt accepts keyCompromise only so); other reasons with the account.
 */
final class CaRevocation {

    private static final Logger LOG = Logger.getLogger(CaRevocation.class);

    private final AcmeAccount account;
    private final CaRetry retry;

    CaRevocation(AcmeAccount account, CaRetry retry) {
        this.account = account;
        this.retry = retry;
    }

    /**
     * Revokes {@code leaf} for the RFC 5280 reason {@code reasonCode} ({@code certificateKey} null
     * in CSR mode). A certificate the CA already revoked counts as revoked.
     *
     * @throws AcmeFailure the CA refused or failed (its problem in the detail)
     */
    void revoke(X509Certificate leaf, KeyPair certificateKey, int reasonCode) {
        RevocationReason reason = RevocationReason.code(reasonCode);
        String step = "revoking the certificate with serial " + leaf.getSerialNumber().toString(16);
        try {
            retry.run(step, () -> {
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
}
