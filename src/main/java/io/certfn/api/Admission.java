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
        Caller caller = authenticate(authorization, names);
        try {
            policy.check(caller, names);
            return caller;
        } catch (CertfnException e) {
            AuditLog.denied(caller, names, e.code());
            throw e;
        }
    }

    /**
     * The caller, authenticated only; {@code names} are what it asked for, for the audit line.
     *
     * @throws io.certfn.auth.AuthenticationException when the credential fails
     */
    public Caller authenticate(String authorization, List<String> names) {
        try {
            return authenticator.authenticate(authorization);
        } catch (CertfnException e) {
            AuditLog.denied(null, names, e.code());
            throw e;
        }
    }

    /** True when the policy grants {@code caller} every one of {@code names}. */
    public boolean allows(Caller caller, List<String> names) {
        try {
            policy.check(caller, names);
            return true;
        } catch (CertfnException e) {
            return false;
        }
    }
}
