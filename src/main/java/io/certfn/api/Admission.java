package io.certfn.api;

import io.certfn.auth.Authenticator;
import io.certfn.identity.Caller;
import io.certfn.auth.PlatformIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.inject.Instance;
import io.certfn.certs.AuditLog;
import io.certfn.error.CertfnException;
import io.certfn.policy.PolicyService;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Admits a request in le-cert-server's order: first the credential ({@link #authenticate}), then —
 * once the body is read — the policy for the names ({@link #authorize}); every denial is audited.
 */
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
     * {@code caller}, if the policy grants it {@code names}; a denial is audited.
     *
     * @throws io.certfn.policy.DomainNotAllowedException when the policy denies a name
     */
    public Caller authorize(Caller caller, List<String> names) {
        return authorize(caller, names, io.certfn.policy.PolicyRule.CERTIFICATE);
    }

    /**
     * {@code caller}, if the policy lets it do {@code action} for {@code names}; a denial is audited.
     *
     * @throws io.certfn.policy.DomainNotAllowedException when the policy denies a name
     */
    public Caller authorize(Caller caller, List<String> names, String action) {
        try {
            policy.check(caller, names, action);
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
     * @throws io.certfn.identity.AuthenticationException when the credential fails
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
     * The caller when that is known without blocking and without doubt: a platform identity, an API
     * key or a token verified before. Empty otherwise, also on failure: {@link #authenticate} then
     * decides, explains and audits.
     */
    public Optional<Caller> callerFromMemory(String authorization, HttpServerRequest request) {
        try {
            return platformCaller(request).or(() -> authenticator.authenticateFromMemory(authorization));
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
