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
import java.util.Optional;

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
            return platformCaller(request).orElseGet(() -> authenticator.authenticate(authorization));
        } catch (CertfnException e) {
            AuditLog.denied(null, names, e.code());
            throw e;
        }
    }

    /**
     * The admitted caller when that is known without blocking and without doubt: a platform
     * identity, an API key or a token verified before, granted {@code names} by the policy.
     * Empty otherwise, also on failure: {@link #admit} then decides, explains and audits.
     */
    public Optional<Caller> admitFromMemory(String authorization, HttpServerRequest request, List<String> names) {
        try {
            return platformCaller(request).or(() -> authenticator.authenticateFromMemory(authorization))
                    .filter(caller -> allows(caller, names));
        } catch (CertfnException e) {
            return Optional.empty();
        }
    }

    /** The identity a platform verified for this request, when one vouches for it. */
    private Optional<Caller> platformCaller(HttpServerRequest request) {
        if (request != null) {
            for (PlatformIdentity platform : platforms) {
                Optional<Caller> caller = platform.identify(request);
                if (caller.isPresent()) {
                    return caller;
                }
            }
        }
        return Optional.empty();
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
