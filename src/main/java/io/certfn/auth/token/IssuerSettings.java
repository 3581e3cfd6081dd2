package io.certfn.auth.token;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What certfn accepts from one token issuer.
 *
 * @param name the preset ({@code google}, {@code azure}, {@code aws}, {@code oidc}): the caller's
 *        issuer name in policy rules
 * @param issuers the accepted {@code iss} values (Azure has a v1 and a v2 form)
 * @param audiences the accepted {@code aud} values
 * @param jwksUrl where the signing keys are; empty: OIDC discovery from {@code discoveryIssuer}
 * @param discoveryIssuer the issuer whose {@code /.well-known/openid-configuration} names the JWKS
 * @param algorithms the allowed signature algorithms (asymmetric only)
 * @param clockSkew tolerance for exp, nbf and iat
 * @param requiredClaims claims that must be present besides exp and sub
 * @param requiredClaimValues claims that must have exactly this value (e.g. Azure's {@code tid})
 * @param requiredScopes scopes the token must carry
 * @param domainsClaim the claim granting domain patterns, if the issuer can add custom claims
 * @param platform true for the cloud presets, which need a policy to be safe
 */
public record IssuerSettings(
        String name,
        List<String> issuers,
        List<String> audiences,
        Optional<URI> jwksUrl,
        String discoveryIssuer,
        Set<String> algorithms,
        Duration clockSkew,
        List<String> requiredClaims,
        Map<String, String> requiredClaimValues,
        List<String> requiredScopes,
        Optional<String> domainsClaim,
        boolean platform) {

    /** Every asymmetric JWS algorithm (RFC 7518, RFC 8037): {@code none} and HMAC never. */
    public static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512", "EdDSA");
}
