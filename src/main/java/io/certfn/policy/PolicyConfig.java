package io.certfn.policy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code certfn.policy} and {@code certfn.policy.reload-interval}: where the rules come from and how
 * often they are read again. Mapped at {@code certfn} because the policy's source is the key
 * {@code certfn.policy} itself.
 */
@ConfigMapping(prefix = "certfn")
public interface PolicyConfig {
    /**
     * {@code certfn.policy}: the rules mapping callers to domain patterns, as inline JSON/YAML, a
     * file path, or {@code store:<key>} (accepted only with {@code <key>.hmac} made with the data
     * key). Absent: any authenticated caller may have any name.
     */
    Optional<String> policy();

    /**
     * {@code certfn.policy.reload-interval}: how often a policy from a file or the store is looked
     * at again; a change (authenticated, valid) applies from the next request on, a broken one is
     * logged and the rules in force stay. {@code 0s}: read once at start-up.
     */
    @WithName("policy.reload-interval")
    @WithDefault("60s")
    Duration reloadInterval();
}
