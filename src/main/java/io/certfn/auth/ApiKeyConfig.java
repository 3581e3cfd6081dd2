package io.certfn.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.util.Optional;

/**
 * {@code certfn.auth.api-keys}: the pre-shared keys. The token keys under {@code certfn.auth.*} are
 * {@link io.certfn.auth.token.TokenConfig}'s (a prefix may have several mappings).
 */
@ConfigMapping(prefix = "certfn.auth")
public interface ApiKeyConfig {
    /**
     * {@code certfn.auth.api-keys}: {@code name=key} pairs, comma separated; a key may be
     * given as {@code sha256:<hex>} of the key. Names are what the policy matches. Secret.
     */
    @WithName("api-keys")
    Optional<String> apiKeys();
}
