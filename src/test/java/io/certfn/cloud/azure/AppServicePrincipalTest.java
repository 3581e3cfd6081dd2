package io.certfn.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.identity.AuthenticationException;
import io.certfn.identity.Caller;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * App Service authentication's principal header, in the shape Microsoft documents for
 * "Access user claims in app code" (base64 JSON: {@code auth_typ}, {@code claims[{typ, val}]}).
 */
class AppServicePrincipalTest {

    private static final String OID = "6d2c2a4e-0000-4000-8000-00000000abcd";
    private static final String TID = "72f988bf-0000-4000-8000-000000000001";

    private static MultiMap headers(String principalJson) {
        return MultiMap.caseInsensitiveMultiMap().add("X-MS-CLIENT-PRINCIPAL",
                Base64.getEncoder().encodeToString(principalJson.getBytes(StandardCharsets.UTF_8)));
    }

    private static String principal(String... claims) {
        StringBuilder json = new StringBuilder("{\"auth_typ\":\"aad\",\"name_typ\":\"name\",\"role_typ\":\"roles\",\"claims\":[");
        for (int i = 0; i < claims.length; i += 2) {
            json.append(i == 0 ? "" : ",").append("{\"typ\":\"").append(claims[i]).append("\",\"val\":\"").append(claims[i + 1]).append("\"}");
        }
        return json.append("]}").toString();
    }

    private static final String FULL = principal(
            "http://schemas.microsoft.com/identity/claims/objectidentifier", OID,
            "http://schemas.microsoft.com/identity/claims/tenantid", TID,
            "appid", "11111111-2222-3333-4444-555555555555",
            "roles", "certfn.renew", "roles", "certfn.read",
            "iss", "https://sts.windows.net/" + TID + "/");

    /** App Service with its authentication module on, as the platform sets the variables. */
    private static final Map<String, String> EASY_AUTH_ON = Map.of("WEBSITE_SITE_NAME", "certfn-func", "WEBSITE_AUTH_ENABLED", "True");

    private static AppServicePrincipal trusting() {
        return new AppServicePrincipal(true, Optional.of(TID), EASY_AUTH_ON);
    }

    @Test
    void onAzureWithTheSettingTheVerifiedPrincipalIsTheCaller() {
        AppServicePrincipal identity = trusting();
        Caller caller = identity.identify(headers(FULL)).orElseThrow();
        assertEquals(Caller.Method.PLATFORM, caller.method());
        assertEquals("azure", caller.issuer());
        assertEquals(OID, caller.subject());
        assertEquals(List.of(TID), caller.claimValues("tid"));
        assertEquals(List.of("certfn.renew", "certfn.read"), caller.claimValues("roles"));
        assertEquals(List.of("aad"), caller.claimValues("idp"));
    }

    @Test
    void theHeaderIsIgnoredWithoutTheSettingOrOffAzureBecauseAnyoneCanSendIt() {
        assertTrue(new AppServicePrincipal(false, Optional.of(TID), EASY_AUTH_ON).identify(headers(FULL)).isEmpty());
        assertTrue(new AppServicePrincipal(true, Optional.of(TID), Map.of()).identify(headers(FULL)).isEmpty());
        assertTrue(trusting().identify(MultiMap.caseInsensitiveMultiMap()).isEmpty(), "no principal: the Authorization header decides");
    }

    @Test
    void withAuthenticationOffTheSettingIsRefusedBecauseAnyoneCouldForgeTheHeader() {
        // Every App Service app has WEBSITE_SITE_NAME; App Service strips the header only with its authentication module on.
        for (Map<String, String> env : List.of(Map.of("WEBSITE_SITE_NAME", "certfn-func"),
                Map.of("WEBSITE_SITE_NAME", "certfn-func", "WEBSITE_AUTH_ENABLED", "False"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AppServicePrincipal(true, Optional.of(TID), env));
            assertTrue(e.getMessage().contains("WEBSITE_AUTH_ENABLED is not True"), e.getMessage());
        }
        IllegalStateException noTenant = assertThrows(IllegalStateException.class,
                () -> new AppServicePrincipal(true, Optional.empty(), EASY_AUTH_ON));
        assertTrue(noTenant.getMessage().contains("certfn.auth.azure.tenant-id is required"), noTenant.getMessage());
    }

    @Test
    void aPrincipalOfAnotherTenantIsRefusedNamingBothTenants() {
        String foreign = FULL.replace(TID, "99999999-0000-4000-8000-000000000009");
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> trusting().identify(headers(foreign)));
        assertEquals("unauthenticated", e.code());
        assertTrue(e.getMessage().contains("'99999999-0000-4000-8000-000000000009'") && e.getMessage().contains("'" + TID + "'"),
                e.getMessage());
        AuthenticationException none = assertThrows(AuthenticationException.class, () -> trusting().identify(headers(principal(
                "http://schemas.microsoft.com/identity/claims/objectidentifier", OID))));
        assertTrue(none.getMessage().contains("tenant 'null'"), none.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"true,true", "True,true", "False,false", "false,false", "'',false"})
    void emailCountsOnlyWhenVerified(String verified, boolean kept) {
        String json = verified.isEmpty()
                ? principal("http://schemas.microsoft.com/identity/claims/objectidentifier", OID,
                        "http://schemas.microsoft.com/identity/claims/tenantid", TID, "email", "ops@example.com")
                : principal("http://schemas.microsoft.com/identity/claims/objectidentifier", OID,
                        "http://schemas.microsoft.com/identity/claims/tenantid", TID, "email", "ops@example.com",
                        "email_verified", verified);
        Caller caller = trusting().identify(headers(json)).orElseThrow();
        assertEquals(kept ? List.of("ops@example.com") : List.of(), caller.claimValues("email"));
    }

    @Test
    void aBrokenOrAnonymousPrincipalIsRefusedSayingWhat() {
        AppServicePrincipal identity = trusting();
        AuthenticationException garbled = assertThrows(AuthenticationException.class,
                () -> identity.identify(MultiMap.caseInsensitiveMultiMap().add("X-MS-CLIENT-PRINCIPAL", "%%%")));
        assertTrue(garbled.getMessage().contains("not base64 JSON"));
        AuthenticationException noOid = assertThrows(AuthenticationException.class,
                () -> identity.identify(headers(principal("name", "someone"))));
        assertTrue(noOid.getMessage().contains("object id (oid)"), noOid.getMessage());
    }
}
