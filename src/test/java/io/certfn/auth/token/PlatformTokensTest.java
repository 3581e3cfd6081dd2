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

/**
 * Tokens in each platform's exact claim shape, verified through the presets and matched by the
 * policy. The shapes follow the public documentation cited on each test; the signing keys are
 * served by a local issuer that the presets reach through their {@code jwks-url} override.
 */
class PlatformTokensTest {

    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String AWS_ISSUER = "https://a1b2c3d4-1234-4abc-9def-0123456789ab.tokens.sts.global.api.aws";
    private static final String AUDIENCE = "https://certfn.example";

    private static final Policy POLICY = PolicyParser.parse("""
            rules:
              - name: web-frontends
                match: { issuer: google, email: web@my-project.iam.gserviceaccount.com }
                domains: ["example.com", "*.example.com"]
              - name: azure-app
                match: { issuer: azure, xms_mirid: "/subscriptions/s1/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app" }
                domains: ["azure.example.com"]
              - name: azure-by-oid
                match: { issuer: azure, oid: "9f3b4a0e-0000-4000-8000-00000000000a" }
                domains: ["oid.example.com"]
              - name: billing-lambda
                match: { issuer: aws, sub: "arn:aws:iam::123456789012:role/billing" }
                domains: ["billing.example.com"]
              - name: aws-account
                match: { issuer: aws, "https://sts.amazonaws.com/.aws_account": "123456789012", "https://sts.amazonaws.com/.principal_tags.team": "edge" }
                domains: ["edge.example.com"]
              - name: eks-ingress
                match: { issuer: oidc, sub: "system:serviceaccount:ingress:certs" }
                domains: ["*.k8s.example.com"]
            """, "test");

    private TestIssuer keys;
    private PublicJsonWebKey rsa;
    private PublicJsonWebKey ec384;
    private final MutableClock clock = new MutableClock();
    private TokenVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        keys = new TestIssuer();
        rsa = keys.newKey("RSA", "rsa-1");
        ec384 = keys.newKey("EC384", "ec-1");
        verifier = TokenTestSupport.verifier(io.certfn.testing.CertfnProcess.config(Map.of(),
                "certfn.auth.google.audience", AUDIENCE,
                "certfn.auth.google.jwks-url", keys.jwksUrl(),
                "certfn.auth.azure.tenant-id", TENANT,
                "certfn.auth.azure.audience", "api://certfn,11111111-2222-3333-4444-555555555555",
                "certfn.auth.azure.jwks-url", keys.jwksUrl(),
                "certfn.auth.aws.issuer", AWS_ISSUER,
                "certfn.auth.aws.audience", AUDIENCE,
                "certfn.auth.aws.jwks-url", keys.jwksUrl(),
                "certfn.auth.oidc.issuer", "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
                "certfn.auth.oidc.audience", AUDIENCE,
                "certfn.auth.oidc.jwks-url", keys.jwksUrl()), clock);
    }

    @AfterEach
    void stop() {
        keys.close();
    }

    /**
     * Google ID token from the metadata server's {@code identity?audience=}: claims per
     * https://cloud.google.com/compute/docs/instances/verifying-instance-identity#payload and
     * https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload.
     */
    private JwtClaims google(String email) {
        JwtClaims c = claims(clock, "https://accounts.google.com", AUDIENCE, "104633451930871912345");
        c.setClaim("azp", "104633451930871912345");
        c.setClaim("email", email);
        c.setClaim("email_verified", true);
        return c;
    }

    @Test
    void googleServiceAccountGetsItsRulesNames() {
        Caller caller = verifier.verify(TestIssuer.sign(google("web@my-project.iam.gserviceaccount.com"), rsa, "RS256"));
        assertEquals("google", caller.issuer());
        assertEquals("104633451930871912345", caller.subject());
        assertDoesNotThrow(() -> POLICY.check(caller, List.of("example.com", "www.example.com", "*.example.com")));
        DomainNotAllowedException denied = assertThrows(DomainNotAllowedException.class,
                () -> POLICY.check(caller, List.of("example.org")));
        assertTrue(denied.getMessage().contains("google:104633451930871912345"), denied.getMessage());
    }

    @Test
    void googleBareIssuerFormIsAcceptedToo() {
        JwtClaims c = google("web@my-project.iam.gserviceaccount.com");
        c.setIssuer("accounts.google.com");
        assertEquals("google", verifier.verify(TestIssuer.sign(c, rsa, "RS256")).issuer());
    }

    @Test
    void anyOtherGoogleAccountIsAStranger() {
        Caller stranger = verifier.verify(TestIssuer.sign(google("evil@attacker.iam.gserviceaccount.com"), rsa, "RS256"));
        assertThrows(DomainNotAllowedException.class, () -> POLICY.check(stranger, List.of("example.com")));
    }

    @Test
    void unverifiedEmailNeverMatches() {
        JwtClaims c = google("web@my-project.iam.gserviceaccount.com");
        c.setClaim("email_verified", false);
        Caller caller = verifier.verify(TestIssuer.sign(c, rsa, "RS256"));
        assertThrows(DomainNotAllowedException.class, () -> POLICY.check(caller, List.of("example.com")));
    }

    @Test
    void googleTokensMustBeRs256() {
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> verifier.verify(TestIssuer.sign(google("web@my-project.iam.gserviceaccount.com"), ec384, "ES384")));
        assertEquals(Optional.of("alg_not_allowed"), e.reason());
        assertTrue(e.getMessage().contains("[RS256]"));
    }

    /**
     * Azure managed-identity access tokens, v1 and v2: claims per
     * https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference
     * (v1: {@code iss https://sts.windows.net/{tid}/}, {@code appid}; v2: {@code iss
     * https://login.microsoftonline.com/{tid}/v2.0}, {@code azp}) and
     * https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/how-to-use-vm-token.
     */
    private JwtClaims azure(String version, String oid) {
        String issuer = version.equals("1.0") ? "https://sts.windows.net/" + TENANT + "/"
                : "https://login.microsoftonline.com/" + TENANT + "/v2.0";
        JwtClaims c = claims(clock, issuer, version.equals("1.0") ? "api://certfn" : "11111111-2222-3333-4444-555555555555", oid);
        c.setClaim("oid", oid);
        c.setClaim("tid", TENANT);
        c.setClaim("ver", version);
        c.setClaim(version.equals("1.0") ? "appid" : "azp", "a0b1c2d3-0000-4000-8000-000000000001");
        c.setClaim("idp", "https://sts.windows.net/" + TENANT + "/");
        c.setClaim("xms_mirid", "/subscriptions/s1/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app");
        return c;
    }

    @Test
    void azureV1AndV2TokensOfTheTenantAreBothAccepted() {
        for (String version : List.of("1.0", "2.0")) {
            Caller caller = verifier.verify(TestIssuer.sign(azure(version, "9f3b4a0e-0000-4000-8000-00000000000a"), rsa, "RS256"));
            assertEquals("azure", caller.issuer());
            assertDoesNotThrow(() -> POLICY.check(caller, List.of("azure.example.com", "oid.example.com")));
        }
    }

    @Test
    void azureTokenOfAnotherTenantNamesBothIssuers() {
        JwtClaims c = azure("2.0", "x");
        c.setIssuer("https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0");
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> verifier.verify(TestIssuer.sign(c, rsa, "RS256")));
        assertEquals(Optional.of("issuer_not_trusted"), e.reason());
        assertTrue(e.getMessage().contains("00000000-0000-0000-0000-000000000000/v2.0")
                && e.getMessage().contains("https://sts.windows.net/" + TENANT + "/")
                && e.getMessage().contains("https://login.microsoftonline.com/" + TENANT + "/v2.0"), e.getMessage());
    }

    @Test
    void azureTokenWithoutOidIsMissingAClaim() {
        JwtClaims c = azure("1.0", "x");
        c.unsetClaim("oid");
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> verifier.verify(TestIssuer.sign(c, rsa, "RS256")));
        assertEquals(Optional.of("missing_claim"), e.reason());
        assertTrue(e.getMessage().contains("'oid'"));
    }

    /**
     * AWS STS {@code GetWebIdentityToken}: a per-account issuer, {@code sub} = the IAM role ARN,
     * RS256 or ES384, and the {@code https://sts.amazonaws.com/} object — per
     * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetWebIdentityToken.html and the
     * token facts of docs/design.md §4.
     */
    private JwtClaims aws(String role, String team) {
        JwtClaims c = claims(clock, AWS_ISSUER, AUDIENCE, role);
        c.setClaim("https://sts.amazonaws.com/", Map.of(
                "aws_account", "123456789012",
                "org_id", "o-abc123def4",
                "principal_tags", Map.of("team", team)));
        return c;
    }

    @Test
    void awsRoleMatchesBySubjectAndNestedClaims() {
        Caller billing = verifier.verify(TestIssuer.sign(aws("arn:aws:iam::123456789012:role/billing", "finance"), ec384, "ES384"));
        assertEquals("aws", billing.issuer());
        assertDoesNotThrow(() -> POLICY.check(billing, List.of("billing.example.com")));
        assertThrows(DomainNotAllowedException.class, () -> POLICY.check(billing, List.of("edge.example.com")));

        Caller edge = verifier.verify(TestIssuer.sign(aws("arn:aws:iam::123456789012:role/edge", "edge"), rsa, "RS256"));
        assertDoesNotThrow(() -> POLICY.check(edge, List.of("edge.example.com")));
        assertThrows(DomainNotAllowedException.class, () -> POLICY.check(edge, List.of("billing.example.com")));
    }

    @Test
    void awsAllowsOnlyRs256AndEs384() {
        PublicJsonWebKey ec256 = keys.newKey("EC256", "ec256");
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> verifier.verify(TestIssuer.sign(aws("arn:aws:iam::123456789012:role/billing", "x"), ec256, "ES256")));
        assertEquals(Optional.of("alg_not_allowed"), e.reason());
    }

    /**
     * EKS service-account token (projected, audience set by the pod spec): {@code sub
     * system:serviceaccount:<namespace>:<name>} and a {@code kubernetes.io} object, per
     * https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#bound-service-account-tokens.
     */
    @Test
    void eksServiceAccountMatchesBySubject() {
        JwtClaims c = claims(clock, "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", AUDIENCE,
                "system:serviceaccount:ingress:certs");
        c.setClaim("kubernetes.io", Map.of("namespace", "ingress", "serviceaccount", Map.of("name", "certs", "uid", "u-1")));
        Caller caller = verifier.verify(TestIssuer.sign(c, rsa, "RS256"));
        assertEquals(List.of("ingress"), caller.claimValues("kubernetes.io.namespace"));
        assertDoesNotThrow(() -> POLICY.check(caller, List.of("a.k8s.example.com")));
        assertThrows(DomainNotAllowedException.class, () -> POLICY.check(caller, List.of("k8s.example.com")));
    }

    @Test
    void platformCallersAndApiKeysDoNotCrossMatch() {
        Caller google = verifier.verify(TestIssuer.sign(google("web@my-project.iam.gserviceaccount.com"), rsa, "RS256"));
        Policy apiKeyOnly = PolicyParser.parse("rules: [{name: k, match: {apiKey: \"104633451930871912345\"}, domains: ['*']}]", "t");
        assertThrows(DomainNotAllowedException.class, () -> apiKeyOnly.check(google, List.of("example.com")));
        Policy subOnly = PolicyParser.parse("rules: [{name: s, match: {issuer: '*', sub: web}, domains: ['*']}]", "t");
        assertThrows(DomainNotAllowedException.class, () -> subOnly.check(Caller.apiKey("web"), List.of("example.com")));
    }

    @Test
    void aRuleNamingNeitherIssuerNorApiKeyIsRefusedSoItCannotMatchAcrossIssuers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PolicyParser.parse("rules: [{name: s, match: {sub: web}, domains: ['*']}]", "t"));
        assertTrue(e.getMessage().contains("rule 's' matches [sub] but no issuer or apiKey") && e.getMessage().contains("issuer: '*'"),
                e.getMessage());
        // Said on purpose, '*' matches a token of any trusted issuer, never an API key.
        Policy any = PolicyParser.parse("rules: [{name: s, match: {issuer: '*', sub: \"104633451930871912345\"}, domains: ['*']}]", "t");
        Caller google = verifier.verify(TestIssuer.sign(google("web@my-project.iam.gserviceaccount.com"), rsa, "RS256"));
        assertDoesNotThrow(() -> any.check(google, List.of("example.com")));
    }
}
