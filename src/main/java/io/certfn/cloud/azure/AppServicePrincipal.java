package io.certfn.cloud.azure;

import io.certfn.auth.token.TokenConfig;import io.certfn.identity.PlatformConfig;import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.auth.PlatformIdentity;
import io.certfn.identity.AuthenticationException;
import io.certfn.identity.Caller;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The caller Azure App Service authentication ("Easy Auth") verified, from the
 * {@code X-MS-CLIENT-PRINCIPAL} header it sets: base64 JSON with the token's claims as
 * {@code {typ, val}} pairs. App Service removes that header from incoming requests, so it can be
 * trusted only behind App Service with its authentication module on — App Service strips the header
 * only then: certfn honours it only when {@code certfn.platform.azure.app-service-auth=true}, it runs
 * on Azure ({@code WEBSITE_SITE_NAME} is set) and the module is on ({@code WEBSITE_AUTH_ENABLED=True};
 * with the setting but the module off, start-up fails). Only principals of the tenant
 * {@code certfn.auth.azure.tenant-id} are callers, and {@code email} only counts when
 * {@code email_verified} is true. The caller's issuer is {@code azure}, its subject the object id,
 * so the policy's {@code {issuer: azure, oid: ...}} rules match it as they match managed-identity
 * tokens.
 */
@Singleton
public class AppServicePrincipal implements PlatformIdentity {

    private static final Logger LOG = Logger.getLogger(AppServicePrincipal.class);
    static final String HEADER = "X-MS-CLIENT-PRINCIPAL";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long claim types App Service uses, by the short names tokens and policies use. */
    private static final Map<String, String> SHORT_NAMES = Map.of(
            "http://schemas.microsoft.com/identity/claims/objectidentifier", "oid",
            "http://schemas.microsoft.com/identity/claims/tenantid", "tid",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier", "sub");

    private final boolean enabled;
    private final String tenant;

    @Inject
    public AppServicePrincipal(PlatformConfig platform, TokenConfig tokens) {
        this(platform.azure().appServiceAuth(), tokens.azure().tenantId(), System.getenv());
    }

    AppServicePrincipal(boolean configured, Optional<String> tenant, Map<String, String> env) {
        boolean onAzure = env.getOrDefault("WEBSITE_SITE_NAME", "").length() > 0;
        this.enabled = configured && onAzure;
        this.tenant = tenant.map(String::strip).orElse("");
        if (configured && !onAzure) {
            LOG.warn("certfn.platform.azure.app-service-auth is set but certfn is not running on Azure App Service "
                    + "(WEBSITE_SITE_NAME is unset): X-MS-CLIENT-PRINCIPAL is ignored");
        } else if (enabled) {
            if (!"true".equalsIgnoreCase(env.getOrDefault("WEBSITE_AUTH_ENABLED", ""))) {
                throw new IllegalStateException("certfn.platform.azure.app-service-auth=true but App Service authentication is off "
                        + "(WEBSITE_AUTH_ENABLED is not True): App Service strips X-MS-CLIENT-PRINCIPAL only when its authentication "
                        + "module is on, so any client could forge it. Turn authentication on for the app (authsettingsV2) or set "
                        + "certfn.platform.azure.app-service-auth=false.");
            }
            if (this.tenant.isEmpty()) {
                throw new IllegalStateException("certfn.auth.azure.tenant-id is required when certfn.platform.azure.app-service-auth=true:"
                        + " only principals of that tenant are callers.");
            }
            LOG.infof("Callers verified by App Service authentication (X-MS-CLIENT-PRINCIPAL) of tenant %s are accepted", this.tenant);
        }
    }

    @Override
    public Optional<String> trustSetting() {
        return enabled ? Optional.of("certfn.platform.azure.app-service-auth") : Optional.empty();
    }

    @Override
    public Optional<Caller> identify(HttpServerRequest request) {
        return identify(request.headers());
    }

    Optional<Caller> identify(MultiMap headers) {
        String principal = headers.get(HEADER);
        if (!enabled || principal == null) {
            return Optional.empty();
        }
        JsonNode json;
        try {
            json = JSON.readTree(Base64.getDecoder().decode(principal.strip()));
        } catch (IllegalArgumentException | IOException e) {
            throw AuthenticationException.unauthenticated("The X-MS-CLIENT-PRINCIPAL header set by App Service is not base64 JSON.");
        }
        Map<String, Object> claims = new HashMap<>();
        for (JsonNode claim : json.path("claims")) {
            String type = claim.path("typ").asText();
            String name = SHORT_NAMES.getOrDefault(type, type);
            add(claims, name, claim.path("val").asText());
        }
        claims.put("idp", json.path("auth_typ").asText(headers.get("X-MS-CLIENT-PRINCIPAL-IDP")));
        if (!"true".equalsIgnoreCase(String.valueOf(claims.get("email_verified")))) {
            claims.remove("email"); // an address nobody verified must never match a policy rule
        }
        Object oid = claims.get("oid");
        if (oid == null) {
            throw AuthenticationException.unauthenticated("App Service authenticated the caller, but its principal has no "
                    + "object id (oid) claim; certfn anchors Azure callers on oid + tid.");
        }
        Object tid = claims.get("tid");
        if (tid == null || !tenant.equals(tid.toString())) {
            throw AuthenticationException.unauthenticated("App Service authenticated a caller of tenant '" + tid
                    + "', but certfn accepts only principals of tenant '" + tenant + "' (certfn.auth.azure.tenant-id).");
        }
        String subject = oid instanceof List<?> list ? String.valueOf(list.get(0)) : oid.toString();
        return Optional.of(new Caller(Caller.Method.PLATFORM, "azure", subject, claims));
    }

    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> claims, String name, String value) {
        Object existing = claims.get(name);
        if (existing == null) {
            claims.put(name, value);
        } else if (existing instanceof List<?> list) {
            ((List<Object>) list).add(value);
        } else {
            List<Object> values = new ArrayList<>();
            values.add(existing);
            values.add(value);
            claims.put(name, values);
        }
    }
}
