package io.certfn.auth.token;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code certfn.auth.*} for tokens: the issuers certfn accepts (presets for Google, Azure, AWS and any
 * OIDC issuer) and how their keys are fetched. {@code certfn.auth.api-keys} is the auth package's {@code ApiKeyConfig}.
 */
@ConfigMapping(prefix = "certfn.auth")
public interface TokenConfig {
    /** {@code certfn.auth.clock-skew}: tolerance for token {@code exp}/{@code nbf}/{@code iat}. */
    @WithName("clock-skew")
    @WithDefault("60s")
    Duration clockSkew();

    /** {@code certfn.auth.jwks.*}: how signing keys of token issuers are fetched and cached. */
    Jwks jwks();

    /** {@code certfn.auth.google.*}: Google ID tokens (metadata server {@code identity?audience=}). */
    Google google();

    /** {@code certfn.auth.azure.*}: Azure managed-identity tokens (v1 and v2 issuers). */
    Azure azure();

    /** {@code certfn.auth.aws.*}: AWS STS web-identity tokens ({@code sts:GetWebIdentityToken}). */
    Aws aws();

    /** {@code certfn.auth.oidc.*}: any OIDC issuer (Auth0, Okta, Keycloak, EKS, GitHub Actions). */
    Oidc oidc();

    interface Jwks {
        /** {@code certfn.auth.jwks.cache-duration}: how long fetched keys are used before a refresh. */
        @WithName("cache-duration")
        @WithDefault("10m")
        Duration cacheDuration();

        /**
         * {@code certfn.auth.jwks.min-refresh-interval}: the floor between refreshes caused by
         * unknown {@code kid}s, so forged kids cannot make certfn hammer an issuer.
         */
        @WithName("min-refresh-interval")
        @WithDefault("30s")
        Duration minRefreshInterval();

        /** {@code certfn.auth.jwks.timeout}: connect and read timeout of discovery and JWKS requests. */
        @WithDefault("5s")
        Duration timeout();

        /**
         * {@code certfn.auth.jwks.max-age}: how long keys fetched from an issuer keep verifying
         * tokens while every refresh fails (an outage); after that its tokens are refused with
         * {@code unknown_key}, so a key the issuer withdrew does not stay valid forever.
         */
        @WithName("max-age")
        @WithDefault("24h")
        Duration maxAge();
    }

    interface Google {
        /** {@code certfn.auth.google.audience}: enables Google ID tokens for these audiences (comma separated). */
        Optional<String> audience();

        /** {@code certfn.auth.google.jwks-url}: override of Google's JWKS location. */
        @WithName("jwks-url")
        Optional<String> jwksUrl();
    }

    interface Azure {
        /** {@code certfn.auth.azure.tenant-id}: the Entra tenant whose managed identities are accepted. */
        @WithName("tenant-id")
        Optional<String> tenantId();

        /** {@code certfn.auth.azure.audience}: accepted audiences (App ID URI and/or client id), comma separated. */
        Optional<String> audience();

        /** {@code certfn.auth.azure.jwks-url}: override of the tenant's JWKS location. */
        @WithName("jwks-url")
        Optional<String> jwksUrl();
    }

    interface Aws {
        /** {@code certfn.auth.aws.issuer}: the account's issuer, {@code https://<id>.tokens.sts.global.api.aws}. */
        Optional<String> issuer();

        /** {@code certfn.auth.aws.audience}: accepted audiences, comma separated. */
        Optional<String> audience();

        /** {@code certfn.auth.aws.jwks-url}: override of the JWKS location (else OIDC discovery). */
        @WithName("jwks-url")
        Optional<String> jwksUrl();
    }

    interface Oidc {
        /** {@code certfn.auth.oidc.issuer}: the issuer URL, exactly as in the tokens' {@code iss}. */
        Optional<String> issuer();

        /** {@code certfn.auth.oidc.audience}: accepted audiences, comma separated. */
        Optional<String> audience();

        /** {@code certfn.auth.oidc.required-scopes}: scopes every token must carry, space or comma separated. */
        @WithName("required-scopes")
        Optional<String> requiredScopes();

        /** {@code certfn.auth.oidc.domains-claim}: a claim listing the domain patterns the token grants. */
        @WithName("domains-claim")
        Optional<String> domainsClaim();

        /** {@code certfn.auth.oidc.jwks-url}: override of the JWKS location (else OIDC discovery). */
        @WithName("jwks-url")
        Optional<String> jwksUrl();
    }
}
