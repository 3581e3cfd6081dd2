package io.certfn.auth;

/**
 * Verifies bearer tokens from the configured issuers. Implementations are CDI beans; when none
 * is present, bearer tokens are rejected with reason {@code issuer_not_trusted}.
 */
public interface TokenVerifier {

    /**
     * The caller the token proves.
     *
     * @throws AuthenticationException {@code invalid_token} with the failed check as reason
     */
    Caller verify(String token);
}
