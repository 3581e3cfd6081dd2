package io.certfn.auth.token;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The issuers docs/design.md §4 knows, built from {@code certfn.auth.*}: Google ID tokens, Azure
 * managed-identity tokens (v1 and v2 issuers of one tenant), AWS STS web-identity tokens and any
 * OIDC issuer. A preset is enabled by its keys; a half-configured preset stops start-up naming
 * the missing key.
 */
final class IssuerPresets {

    static final String GOOGLE_ISSUER = "https://accounts.google.com";

    private IssuerPresets() {
    }

    static List<IssuerSettings> from(TokenConfig auth) {
        List<IssuerSettings> presets = new ArrayList<>();
        var skew = auth.clockSkew();
        auth.google().audience().ifPresent(audience -> presets.add(new IssuerSettings("google",
                // Google has issued both forms; https is current.
                List.of(GOOGLE_ISSUER, "accounts.google.com"), list(audience), url(auth.google().jwksUrl(), "google"),
                GOOGLE_ISSUER, Set.of("RS256"), skew, List.of(), Map.of(), List.of(), Optional.empty(), true)));

        TokenConfig.Azure azure = auth.azure();
        if (azure.tenantId().isPresent() || azure.audience().isPresent()) {
            String tenant = required(azure.tenantId(), "certfn.auth.azure.tenant-id", "certfn.auth.azure.audience");
            String audience = required(azure.audience(), "certfn.auth.azure.audience", "certfn.auth.azure.tenant-id");
            String v2 = "https://login.microsoftonline.com/" + tenant + "/v2.0";
            // Which form a token has depends on the resource app's requestedAccessTokenVersion: accept both.
            presets.add(new IssuerSettings("azure", List.of("https://sts.windows.net/" + tenant + "/", v2), list(audience),
                    url(azure.jwksUrl(), "azure"), v2, Set.of("RS256"), skew, List.of("oid", "tid"), Map.of("tid", tenant),
                    List.of(), Optional.empty(), true));
        }

        TokenConfig.Aws aws = auth.aws();
        if (aws.issuer().isPresent() || aws.audience().isPresent()) {
            String issuer = required(aws.issuer(), "certfn.auth.aws.issuer", "certfn.auth.aws.audience");
            String audience = required(aws.audience(), "certfn.auth.aws.audience", "certfn.auth.aws.issuer");
            presets.add(new IssuerSettings("aws", List.of(issuer), list(audience), url(aws.jwksUrl(), "aws"), issuer,
                    Set.of("RS256", "ES384"), skew, List.of(), Map.of(), List.of(), Optional.empty(), true));
        }

        TokenConfig.Oidc oidc = auth.oidc();
        if (oidc.issuer().isPresent() || oidc.audience().isPresent()) {
            String issuer = required(oidc.issuer(), "certfn.auth.oidc.issuer", "certfn.auth.oidc.audience");
            String audience = required(oidc.audience(), "certfn.auth.oidc.audience", "certfn.auth.oidc.issuer");
            List<String> scopes = oidc.requiredScopes().map(s -> Arrays.stream(s.split("[\\s,]+"))
                    .filter(x -> !x.isEmpty()).toList()).orElse(List.of());
            presets.add(new IssuerSettings("oidc", List.of(issuer), list(audience), url(oidc.jwksUrl(), "oidc"), issuer,
                    IssuerSettings.ASYMMETRIC, skew, List.of(), Map.of(), scopes,
                    oidc.domainsClaim().filter(s -> !s.isBlank()), false));
        }
        checkDistinct(presets);
        return presets;
    }

    private static void checkDistinct(List<IssuerSettings> presets) {
        List<String> seen = new ArrayList<>();
        for (IssuerSettings preset : presets) {
            for (String issuer : preset.issuers()) {
                if (seen.contains(issuer)) {
                    throw new IllegalStateException("certfn.auth." + preset.name() + " uses the issuer '" + issuer
                            + "', which another certfn.auth preset already uses");
                }
                seen.add(issuer);
            }
        }
    }

    private static String required(Optional<String> value, String key, String because) {
        return value.filter(v -> !v.isBlank()).orElseThrow(() -> new IllegalStateException(key + " is required when "
                + because + " is set"));
    }

    private static List<String> list(String commaSeparated) {
        List<String> values = Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (values.isEmpty()) {
            throw new IllegalStateException("an audience setting of certfn.auth is empty");
        }
        return values;
    }

    private static Optional<URI> url(Optional<String> value, String preset) {
        return value.filter(v -> !v.isBlank()).map(v -> {
            try {
                URI uri = URI.create(v.strip());
                if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
                    throw new IllegalArgumentException("not an http(s) URL");
                }
                return uri;
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("certfn.auth." + preset + ".jwks-url '" + v + "' is not a URL: " + e.getMessage());
            }
        });
    }
}
