package io.certfn.auth;

import io.certfn.identity.Caller;
import io.certfn.identity.AuthenticationException;

import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;

/**
 * A caller that the platform in front of certfn has already verified: a Lambda Function URL with
 * {@code AuthType AWS_IAM}, Azure App Service authentication. Each cloud build contributes its
 * own; an implementation answers only when its adapter is active and configured to trust the
 * platform, because elsewhere anyone can send the same headers.
 */
public interface PlatformIdentity {

    /**
     * The caller the platform vouches for in {@code request}, or empty when this platform is not
     * in front of certfn (then the {@code Authorization} header is checked as usual).
     *
     * @throws AuthenticationException when the platform should have vouched for the caller but did not
     */
    Optional<Caller> identify(HttpServerRequest request);

    /**
     * The setting that made this platform's identities trusted, when it is on (empty when this
     * platform's callers are ignored). Start-up refuses such a setting without policy rules.
     */
    default Optional<String> trustSetting() {
        return Optional.empty();
    }
}
