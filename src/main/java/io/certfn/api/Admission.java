package io.certfn.api;

import io.certfn.auth.Authenticator;
import io.certfn.auth.Caller;
import io.certfn.certs.AuditLog;
import io.certfn.error.CertfnException;
import io.certfn.policy.PolicyService;
import jakarta.inject.Singleton;
import java.util.List;

/** Admits a request: authenticates the caller, checks the policy, and audits every denial. */
@Singleton
public class Admission {

    private final Authenticator authenticator;
    private final PolicyService policy;

    public Admission(Authenticator authenticator, PolicyService policy) {
        this.authenticator = authenticator;
        this.policy = policy;
    }

    /**
     * The caller, if it may have {@code names}.
     *
     * @throws io.certfn.auth.AuthenticationException when the credential fails
     * @throws io.certfn.policy.DomainNotAllowedException when the policy denies a name
     */
    public Caller admit(String authorization, List<String> names) {
        Caller caller = null;
        try {
            caller = authenticator.authenticate(authorization);
            policy.check(caller, names);
            return caller;
        } catch (CertfnException e) {
            AuditLog.denied(caller, names, e.code());
            throw e;
        }
    }
}
