package io.certfn.policy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.identity.Caller;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyTest {

    private static final Policy POLICY = PolicyParser.parse("""
            rules:
              - name: web-frontends
                match: { issuer: https://accounts.google.com, email: web@p.iam.gserviceaccount.com }
                domains: ["example.com", "*.example.com"]
              - name: billing
                match: { apiKey: billing }
                domains: ["billing.example.com"]
              - name: ops
                match: { apiKey: ops }
                domains: ["*"]
            """, "test");

    @ParameterizedTest
    @CsvSource({
            "*.example.com,www.example.com,true",
            "*.example.com,a.b.example.com,true",
            "*.example.com,*.example.com,true",
            "*.example.com,example.com,false",
            "*.example.com,badexample.com,false",
            "*.example.com,example.com.evil.org,false",
            "example.com,example.com,true",
            "example.com,www.example.com,false",
            "example.com,*.example.com,false",
            "*,anything.org,true",
            "Example.COM.,example.com,true"})
    void patternBoundaries(String pattern, String name, boolean granted) {
        assertEquals(granted, DomainPattern.parse(pattern).grants(name));
    }

    @Test
    void apiKeyCallerGetsOnlyItsRulesNames() {
        assertDoesNotThrow(() -> POLICY.check(Caller.apiKey("billing"), List.of("billing.example.com")));
        DomainNotAllowedException e = assertThrows(DomainNotAllowedException.class,
                () -> POLICY.check(Caller.apiKey("billing"), List.of("billing.example.com", "www.example.com")));
        assertTrue(e.getMessage().contains("'www.example.com'") && e.getMessage().contains("apiKey:billing"), e.getMessage());
        assertEquals("domain_not_allowed", e.code());
    }

    @Test
    void unknownCallerIsDeniedByDefault() {
        DomainNotAllowedException e = assertThrows(DomainNotAllowedException.class,
                () -> POLICY.check(Caller.apiKey("stranger"), List.of("x.org")));
        assertTrue(e.getMessage().contains("No policy rule matches the caller apiKey:stranger"));
    }

    @Test
    void tokenCallerMatchesOnIssuerAndClaimSideBySideWithApiKeys() {
        Caller web = new Caller(Caller.Method.BEARER_TOKEN, "https://accounts.google.com", "1234567890",
                Map.of("email", "web@p.iam.gserviceaccount.com"));
        assertDoesNotThrow(() -> POLICY.check(web, List.of("example.com", "*.example.com", "api.example.com")));
        Caller otherAccount = new Caller(Caller.Method.BEARER_TOKEN, "https://accounts.google.com", "99",
                Map.of("email", "evil@other.iam.gserviceaccount.com"));
        assertThrows(DomainNotAllowedException.class, () -> POLICY.check(otherAccount, List.of("example.com")));
        // An API key named like a claim value does not match a token rule, nor the reverse.
        Caller tokenNamedOps = new Caller(Caller.Method.BEARER_TOKEN, "https://issuer", "ops", Map.of());
        assertThrows(DomainNotAllowedException.class, () -> POLICY.check(tokenNamedOps, List.of("x.org")));
        assertDoesNotThrow(() -> POLICY.check(Caller.apiKey("ops"), List.of("x.org", "*.y.org")));
    }

    @Test
    void noPolicyAllowsEveryAuthenticatedCaller() {
        assertTrue(Policy.allowAll().isOpen());
        assertDoesNotThrow(() -> Policy.allowAll().check(Caller.apiKey("any"), List.of("x.org")));
        assertFalse(POLICY.isOpen());
    }

    @Test
    void anEmptyRuleListDeniesEveryoneSayingSo() {
        Policy none = PolicyParser.parse("{\"rules\":[]}", "test");
        assertFalse(none.isOpen(), "a configured policy, not the open mode");
        DomainNotAllowedException e = assertThrows(DomainNotAllowedException.class,
                () -> none.check(Caller.apiKey("ops"), List.of("x.org")));
        assertTrue(e.getMessage().contains("has no rules, so no caller may have 'x.org'"), e.getMessage());
        assertFalse(none.mayRenew(Caller.apiKey("ops")));
    }

    @Test
    void aRenewOnlyRuleRunsTheSweepButNeverReceivesACertificate() {
        Policy p = PolicyParser.parse("""
                rules:
                  - name: scheduler
                    match: { apiKey: scheduler }
                    domains: ["*"]
                    actions: [renew]
                  - name: web
                    match: { apiKey: web }
                    domains: ["*.example.com"]
                  - name: fetch-only
                    match: { apiKey: fetcher }
                    domains: ["*.example.com"]
                    actions: [certificate]
                """, "test");
        Caller scheduler = Caller.apiKey("scheduler");
        assertTrue(p.mayRenew(scheduler));
        assertDoesNotThrow(() -> p.checkRenewal(scheduler, List.of("www.example.com", "other.org")));
        DomainNotAllowedException e = assertThrows(DomainNotAllowedException.class, () -> p.check(scheduler, List.of("www.example.com")));
        assertTrue(e.getMessage().contains("matches only scheduler (actions: [renew])")
                && e.getMessage().contains("do not allow the action 'certificate' (receive certificates and keys)"),
                e.getMessage());
        // A full grant does both; a certificate-only grant cannot run sweeps.
        assertTrue(p.mayRenew(Caller.apiKey("web")));
        assertDoesNotThrow(() -> p.check(Caller.apiKey("web"), List.of("www.example.com")));
        assertDoesNotThrow(() -> p.checkRenewal(Caller.apiKey("web"), List.of("www.example.com")));
        assertThrows(DomainNotAllowedException.class, () -> p.checkRenewal(Caller.apiKey("web"), List.of("other.org")));
        assertFalse(p.mayRenew(Caller.apiKey("fetcher")));
        assertFalse(p.mayRenew(Caller.apiKey("stranger")));
    }

    @Test
    void brokenPoliciesNameTheRuleAndTheProblem() {
        assertMessage("rules: [{name: r4, match: {apiKey: x}, domains: [a.example], actions: [delete]}]",
                "rule 'r4': unknown action 'delete'");
        assertMessage("rules: [{name: r5, match: {apiKey: x}, domains: [a.example], actions: []}]", "rule 'r5': 'actions' must be");
        assertMessage("rules: [{name: r1, domains: [a.example]}]", "rule 'r1' needs a non-empty 'match'");
        assertMessage("rules: [{name: r2, match: {apiKey: x}}]", "rule 'r2' needs a non-empty 'domains'");
        assertMessage("rules: [{name: r3, match: {apiKey: x}, domains: ['bad_name.example']}]", "rule 'r3'");
        assertMessage("{}", "needs a 'rules' list");
        assertMessage("rules: [", "not valid YAML/JSON");
    }

    @Test
    void deliveryTargetsGoWithTheRulesThatGrantEveryNameOfACertificate() {
        Policy p = PolicyParser.parse("""
                rules:
                  - name: web
                    match: {apiKey: web}
                    domains: [www.example.com, "*.shop.example.com"]
                    deliver:
                      - acm: {region: eu-west-1}
                      - keyVault: {vault: "https://kv.vault.azure.net/", name: web}
                      - certificateManager: {project: my-project, name: web}
                  - name: shop
                    match: {apiKey: shop}
                    domains: ["*.shop.example.com"]
                    deliver: [{acm: {region: eu-west-1}}, {keyVault: {vault: "https://shop.vault.azure.net"}}]
                  - name: scheduler
                    match: {apiKey: scheduler}
                    domains: ["*"]
                    actions: [renew]
                    deliver: [{acm: {region: us-east-1}}]
                """, "test");
        assertEquals(List.of("acm:eu-west-1", "keyVault:https://kv.vault.azure.net/web",
                "certificateManager:projects/my-project/locations/global/certificates/web"),
                p.targetsFor(List.of("www.example.com")).stream().map(io.certfn.delivery.DeliveryTarget::key).toList());
        // Both rules grant a.shop: each target once; a renew-only rule delivers nothing (it grants no certificate).
        assertEquals(List.of("acm:eu-west-1", "keyVault:https://kv.vault.azure.net/web", "certificateManager:projects/my-project/locations/global/certificates/web",
                "keyVault:https://shop.vault.azure.net/*"),
                p.targetsFor(List.of("a.shop.example.com")).stream().map(io.certfn.delivery.DeliveryTarget::key).toList());
        // Only a rule granting every name delivers: www and other.org together match no delivering rule.
        assertEquals(List.of(), p.targetsFor(List.of("www.example.com", "other.org")));
        // An unnamed target names each certificate after its first name and its id's hash.
        var shop = p.targetsFor(List.of("a.shop.example.com")).get(3);
        assertEquals("certfn-wildcard-shop-example-com-0123abcd", shop.resourceName(List.of("*.shop.example.com"),
                "wildcard.shop.example.com-ec256-99990123abcd"));
        assertEquals("web", p.targetsFor(List.of("www.example.com")).get(1).resourceName(List.of("www.example.com"), "x-0123abcd"));
    }

    @Test
    void brokenDeliveryTargetsNameTheRuleTheEntryAndTheFix() {
        String rule = "rules: [{name: web, match: {apiKey: x}, domains: [a.example], deliver: %s}]";
        assertMessage(rule.formatted("[{s3: {bucket: b}}]"), "rule 'web', deliver entry 1: unknown target 's3'");
        assertMessage(rule.formatted("[{acm: {region: Ireland}}]"), "acm region 'Ireland' is not an AWS region name");
        assertMessage(rule.formatted("[{acm: {}}]"), "acm needs 'region'");
        assertMessage(rule.formatted("[{acm: {region: eu-west-1, arn: x}}]"), "acm has no field 'arn'");
        assertMessage(rule.formatted("[{keyVault: {vault: 'http://kv.vault.azure.net'}}]"), "must be the vault's URL");
        assertMessage(rule.formatted("[{keyVault: {vault: 'https://kv.vault.azure.net/certificates/web'}}]"), "with no path");
        assertMessage(rule.formatted("[{keyVault: {vault: 'https://kv.vault.azure.net', name: 'web_1'}}]"), "keyVault name 'web_1' must be");
        assertMessage(rule.formatted("[{certificateManager: {project: 'My Project'}}]"), "is not a project id");
        assertMessage(rule.formatted("[{certificateManager: {project: my-project, name: Web}}]"), "certificateManager name 'Web' must be");
        assertMessage(rule.formatted("[{acm: {region: eu-west-1}}, {acm: {region: eu-west-1}}]"), "deliver entry 2 repeats acm:eu-west-1");
        assertMessage(rule.formatted("{acm: {region: eu-west-1}}"), "'deliver' must be a list");
        assertMessage(rule.formatted("[{acm: {region: eu-west-1}, keyVault: {vault: 'https://kv.vault.azure.net'}}]"),
                "must be a map with one key");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "rules: [{name: e1, match: {issuer: oidc, sub: }, domains: [a.example]}]|rule 'e1': match 'sub' is empty",
            "rules: [{name: e2, match: {issuer: oidc, sub: ''}, domains: [a.example]}]|rule 'e2': match 'sub' is empty",
            "rules: [{name: e3, match: {apiKey: ' '}, domains: [a.example]}]|rule 'e3': match 'apiKey' is empty",
            "{\"rules\":[{\"name\":\"e4\",\"match\":{\"sub\":null},\"domains\":[\"a.example\"]}]}|rule 'e4': match 'sub' is empty"})
    void emptyOrNullMatchValuesAreRefusedNamingTheRule(String text, String expected) {
        // Before: sub with nothing after it became the text "null" and matched a token whose sub is "null".
        assertMessage(text, expected);
    }

    @Test
    void jsonIsAcceptedToo() {
        Policy p = PolicyParser.parse("{\"rules\":[{\"match\":{\"apiKey\":\"a\"},\"domains\":[\"a.example\"]}]}", "json");
        assertEquals("rule 1", p.rules().get(0).name());
    }

    private static void assertMessage(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyParser.parse(text, "test"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void revokeAndObserveAreNeverImpliedByADefaultRule() {
        Policy p = PolicyParser.parse("""
                rules:
                  - name: tenant
                    match: { apiKey: tenant }
                    domains: ["*.example.com"]
                  - name: security
                    match: { apiKey: security }
                    domains: ["*.example.com"]
                    actions: [revoke, observe]
                """, "test");
        Caller tenant = Caller.apiKey("tenant");
        assertDoesNotThrow(() -> p.check(tenant, List.of("www.example.com")));
        DomainNotAllowedException e = assertThrows(DomainNotAllowedException.class,
                () -> p.check(tenant, List.of("www.example.com"), PolicyRule.REVOKE));
        assertTrue(e.getMessage().contains("do not allow the action 'revoke'") && e.getMessage().contains("may not revoke"), e.getMessage());
        assertFalse(p.may(tenant, PolicyRule.OBSERVE));
        Caller security = Caller.apiKey("security");
        assertDoesNotThrow(() -> p.check(security, List.of("www.example.com"), PolicyRule.REVOKE));
        assertTrue(p.may(security, PolicyRule.OBSERVE));
        assertThrows(DomainNotAllowedException.class, () -> p.check(security, List.of("www.example.com")), "no key for it");
    }

    @Test
    void anIdentityCertfnCouldNotAuthenticateMayOnlyRenewWhateverTheRulesSay() {
        Policy p = PolicyParser.parse("""
                rules:
                  - name: billing
                    match: { issuer: aws, sub: "arn:aws:iam::1:role/billing" }
                    domains: ["*"]
                    actions: [certificate, renew, revoke, observe]
                """, "test");
        Caller forged = new Caller(Caller.Method.PLATFORM, "aws", "arn:aws:iam::1:role/billing", java.util.Map.of())
                .unverified("the Lambda event (test)");
        assertDoesNotThrow(() -> p.checkRenewal(forged, List.of("billing.example.com")));
        assertTrue(p.mayRenew(forged));
        for (String action : List.of(PolicyRule.CERTIFICATE, PolicyRule.REVOKE)) {
            DomainNotAllowedException e = assertThrows(DomainNotAllowedException.class,
                    () -> p.check(forged, List.of("billing.example.com"), action));
            assertTrue(e.getMessage().contains("its identity comes from the Lambda event (test)"), e.getMessage());
        }
        assertFalse(p.may(forged, PolicyRule.OBSERVE));
    }

    @Test
    void anUnknownActionIsRefusedListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyParser.parse(
                "rules: [{name: r, match: {apiKey: k}, domains: ['*'], actions: [destroy]}]", "test"));
        assertTrue(e.getMessage().contains("unknown action 'destroy'") && e.getMessage().contains("revoke (revoke certificates of its names)")
                && e.getMessage().contains("observe (read readiness and metrics)"), e.getMessage());
    }
}
