package io.certfn.app;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.policy.Policy;
import io.certfn.policy.PolicyParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A delivery target whose cloud's client this build lacks stops start-up, naming the rule and the builds that have it. */
class PolicyChecksTest {

    private static final Policy KEY_VAULT = PolicyParser.parse(
            "rules: [{name: web, match: {apiKey: x}, domains: [a.example], deliver: [{keyVault: {vault: 'https://kv.vault.azure.net'}}]}]",
            "test");

    @Test
    void aTargetWithoutItsCloudsClientInThisBuildIsRefusedAtStartUp() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PolicyChecks.requireDeliveryClients(KEY_VAULT, List.of("acm")));
        assertTrue(e.getMessage().contains("Policy rule 'web' delivers to keyVault:https://kv.vault.azure.net/*, but this build has no keyVault"
                + " client: deliver to it from the Azure (-Pazure) build or the default build (this one can deliver to: acm)"), e.getMessage());
        assertDoesNotThrow(() -> PolicyChecks.requireDeliveryClients(KEY_VAULT, List.of("acm", "keyVault")));
    }
}
