package io.certfn.auth.token;

import io.certfn.testing.MutableClock;
import static io.certfn.auth.token.TokenTestSupport.claims;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.identity.AuthenticationException;
import io.certfn.identity.Caller;
import io.certfn.policy.DomainNotAllowedException;
import io.certfn.policy.Policy;
import io.certfn.policy.PolicyParser;
import io.certfn.testing.TestIssuer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OIDC domains claim (le-cert-server compatible): an array or a comma-separated string. */
class DomainsClaimTest {

    private TestIssuer issuer;
    private PublicJsonWebKey key;
    private final MutableClock clock = new MutableClock();
    private TokenVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
        key = issuer.newKey("RSA", "k");
        verifier = TokenTestSupport.verifier(Map.of("certfn.auth.oidc.issuer", issuer.url(),
                "certfn.auth.oidc.audience", "certfn", "certfn.auth.oidc.domains-claim", "domains"), clock);
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    private Caller caller(Object domains) {
        JwtClaims c = claims(clock, issuer.url(), "certfn", "tsiam|client-7");
        if (domains != null) {
            c.setClaim("domains", domains);
        }
        return verifier.verify(TestIssuer.sign(c, key, "RS256"));
    }

    @Test
    void arrayAndCommaStringBothGrant() {
        for (Object claim : List.of(List.of("a.example.com", "*.b.example.com"), "a.example.com, *.b.example.com")) {
            Caller caller = caller(claim);
            assertDoesNotThrow(() -> Policy.allowAll().check(caller, List.of("a.example.com", "x.b.example.com")));
            DomainNotAllowedException e = assertThrows(DomainNotAllowedException.class,
                    () -> Policy.allowAll().check(caller, List.of("b.example.com")));
            assertTrue(e.getMessage().contains("domains claim"), e.getMessage());
        }
    }

    @Test
    void claimAndRulesAddUp() {
        Policy policy = PolicyParser.parse("rules: [{name: extra, match: {issuer: oidc, sub: 'tsiam|client-7'}, domains: [c.example.com]}]", "t");
        Caller caller = caller(List.of("a.example.com"));
        assertDoesNotThrow(() -> policy.check(caller, List.of("a.example.com", "c.example.com")));
        assertThrows(DomainNotAllowedException.class, () -> policy.check(caller, List.of("d.example.com")));
    }

    @Test
    void missingDomainsClaimIsRejected() {
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> caller(null));
        assertEquals(Optional.of("missing_claim"), e.reason());
        assertTrue(e.getMessage().contains("'domains'"));
    }
}
