package io.certfn.auth.token;

import io.certfn.identity.AuthenticationException;

/** Builds the 401 for a rejected token; one place so every rejection has reason and detail. */
final class TokenRejected {

    private TokenRejected() {
    }

    static AuthenticationException because(Reason reason, String detail) {
        return AuthenticationException.invalidToken(reason.wire(), detail);
    }
}
