package io.certfn.api;

import io.certfn.auth.Authenticator;
import io.certfn.auth.Caller;
import io.certfn.auth.PlatformIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.inject.Instance;
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
    private final List<PlatformIdentity> platforms;

    public Admission(Authenticator authenticator, PolicyService policy, Instance<PlatformIdentity> platforms) {
        this.authenticator = authenticator;
        this.policy = policy;
        this.platforms = platforms.stream().toList();
    }

    /**
     * The caller, if it may have {@code names}.
     *
     * @throws io.certfn.auth.AuthenticationException when the credential fails
     * @throws io.certfn.policy.DomainNotAllowedException when the policy denies a name
     */
    public Caller admit(String authorization, HttpServerRequest request, List<String> names) {
        Caller caller = authenticate(authorization, request, names);
        try {
            policy.check(caller, names);
            return caller;
        } catch (CertfnException e) {
            AuditLog.denied(caller, names, e.code());
            throw e;
        }
    }

    /**
     * The caller, authenticated only: the platform's verified identity when a {@link PlatformIdentity}
     * vouches for one, else the {@code Authorization} header; {@code names} are what it asked for,
     * for the audit line.
     *
     * @throws io.certfn.auth.AuthenticationException when the credential fails
     */
    public Caller authenticate(String authorization, HttpServerRequest request, List<String> names) {
        try {
            if (request != null) {
                for (PlatformIdentity platform : platforms) {
                    java.util.Optional<Caller> caller = platform.identify(request);
                    if (caller.isPresent()) {
                        return caller.get();
                    }
                }
            }
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
