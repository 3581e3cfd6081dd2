package io.certfn.api;

import static io.certfn.api.CertificateApiTest.post;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.testing.AcmeStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every 400/401/403/413 of docs/design.md §3 that applies, asserted by its stable code. */
@QuarkusTest
@QuarkusTestResource(AcmeStackResource.class)
class RequestErrorsTest {

    private static final String STRANGER = "APIKey " + AcmeStackResource.STRANGER_KEY;
    private static final String WEB = "APIKey " + AcmeStackResource.WEB_KEY;

    private static Response problem(Response r, int status, String code) {
        assertEquals(status, r.statusCode(), r.asString());
        assertEquals("application/problem+json", r.contentType());
        assertEquals(code, r.path("code"));
        assertEquals(status, (int) r.path("status"));
        assertNotNull(r.path("title"));
        assertNotNull(r.path("detail"));
        assertEquals(r.<String>path("detail"), r.path("message"), "le-cert-server's message repeats the detail");
        return r;
    }

    /** A problem about one request field: le-cert-server's {@code metadata.name} names it. */
    private static Response fieldProblem(Response r, String code, String field) {
        problem(r, 400, code);
        assertEquals(field, r.path("metadata.name"), r.asString());
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[\"a.certfn.test\"]", "\"a.certfn.test\"", "{\"domains\":\"a.certfn.test\"}",
            "{\"domains\":[1]}", "{\"domain\":5}", "{\"domain\":\"a.certfn.test\",\"keyType\":256}"})
    void malformedBodiesAreInvalidBody(String body) {
        Response r = problem(post("/api/certificate", body, "Authorization", STRANGER), 400, "invalid_body");
        assertTrue(r.<String>path("detail").matches("(?s).*(JSON|Field '\\w+').*"), r.<String>path("detail"));
    }

    @Test
    void emptyBodyIsInvalidBody() {
        Response r = given().header("Authorization", STRANGER).post("/api/certificate");
        problem(r, 400, "invalid_body");
        assertTrue(r.<String>path("detail").contains("empty"), r.<String>path("detail"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"keyType\":\"ec256\"}", "{\"domains\":[]}", "{\"domain\":null}", "{\"domain\":\"\"}",
            "{\"domain\":\"  \"}", "{\"domain\":\"\",\"domains\":[]}"})
    void missingOrEmptyNamesAreMissingBodyParam(String body) {
        Response r = fieldProblem(post("/api/certificate", body, "Authorization", STRANGER), "missing_body_param", "domain");
        assertTrue(r.<String>path("detail").contains("Field 'domain' (or 'domains') is required"), r.<String>path("detail"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"domains\":\"a.certfn.test\"}|invalid_body|domains",
            "{\"domain\":5}|invalid_body|domain",
            "{\"domain\":\"a.certfn.test\",\"keyType\":256}|invalid_body|keyType",
            "{\"domain\":\"bad_name.certfn.test\"}|invalid_domain|domain",
            "{\"domains\":[\"a.certfn.test\",\"bad_name.certfn.test\"]}|invalid_domain|domains",
            "{\"domain\":\"a.certfn.test\",\"keyType\":\"dsa1024\"}|invalid_key_type|keyType",
            "{\"domain\":\"a.certfn.test\",\"csr\":\"@@@\"}|invalid_csr|csr"})
    void fieldErrorsNameTheFieldInMetadata(String body, String code, String field) {
        Response r = fieldProblem(post("/api/certificate", body, "Authorization", STRANGER), code, field);
        String detail = r.path("detail");
        assertTrue(detail.contains(field) || detail.contains("bad_name.certfn.test"), "the detail names the field or the value: " + detail);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"Domain\":\"a.certfn.test\"}", "{\"DOMAIN\":\"a.certfn.test\"}",
            "{\"Domains\":[\"a.certfn.test\"]}", "{\"dOmAiN\":\"a.certfn.test\",\"KeyType\":\"EC256\"}"})
    void memberNamesMatchCaseInsensitivelyAsGosDecoderDoes(String body) {
        // The names were read (else missing_body_param): the stranger is then denied by the policy, naming the name.
        Response r = problem(post("/api/certificate", body, "Authorization", STRANGER), 403, "domain_not_allowed");
        assertTrue(r.<String>path("detail").contains("'a.certfn.test'"), r.<String>path("detail"));
    }

    @Test
    void aMemberInTwoSpellingsIsRefusedNamingBoth() {
        Response r = fieldProblem(post("/api/certificate", "{\"domain\":\"a.certfn.test\",\"Domain\":\"b.certfn.test\"}",
                "Authorization", STRANGER), "invalid_body", "domain");
        assertTrue(r.<String>path("detail").contains("'domain' and 'Domain'"), r.<String>path("detail"));
    }

    @Test
    void aKeyTypeInAnotherCaseIsReadAsThatField() {
        fieldProblem(post("/api/certificate", "{\"Domain\":\"a.certfn.test\",\"KEYTYPE\":\"dsa1024\"}", "Authorization", STRANGER),
                "invalid_key_type", "keyType");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"domain\":\"bad_name\"}", "{}", "{\"domain\":\"a.certfn.test\",\"csr\":\"@@@\"}"})
    void theCredentialIsCheckedBeforeTheBody(String body) {
        Response none = problem(post("/api/certificate", body), 401, "unauthenticated");
        assertTrue(none.<String>path("detail").contains("APIKey") && none.<String>path("detail").contains("Bearer"), none.asString());
        Response unknown = problem(post("/api/certificate", body, "Authorization", "APIKey not-a-known-key-0123456789"), 401, "invalid_credentials");
        assertFalse(unknown.asString().contains("not-a-known-key"), "never echoes the key: " + unknown.asString());
        problem(post("/api/certificate/renew", body), 401, "unauthenticated");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "text/html", "application/xml", "application/octet-stream"})
    void anyAcceptGetsTheJsonAnswer(String accept) {
        Response r = problem(post("/api/certificate", "{\"domain\":\"a.certfn.test\"}", "Authorization", STRANGER, "Accept", accept),
                403, "domain_not_allowed");
        assertTrue(r.<String>path("detail").contains("apiKey:stranger"), r.<String>path("detail"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad_name.certfn.test", "*.*.certfn.test", "a.*.certfn.test", "1.2.3.4", "::1", "-a.certfn.test",
            "a-.certfn.test", "localhost", "a..certfn.test",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.certfn.test"})
    void badNamesAreInvalidDomain(String name) {
        Response r = problem(post("/api/certificate", "{\"domain\":\"" + name + "\"}", "Authorization", STRANGER), 400, "invalid_domain");
        assertTrue(r.<String>path("detail").contains("not valid") || r.<String>path("detail").contains("empty"), r.<String>path("detail"));
    }

    @Test
    void tooManyNamesAreInvalidDomain() {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            names.append(i == 0 ? "" : ",").append("\"n").append(i).append(".certfn.test\"");
        }
        Response r = problem(post("/api/certificate", "{\"domains\":[" + names + "]}", "Authorization", STRANGER), 400, "invalid_domain");
        assertTrue(r.<String>path("detail").contains("100"), "names the limit: " + r.<String>path("detail"));
    }

    @Test
    void unknownKeyTypeIsInvalidKeyTypeAndListsTheAcceptedOnes() {
        Response r = problem(post("/api/certificate", "{\"domain\":\"a.certfn.test\",\"keyType\":\"dsa1024\"}", "Authorization", STRANGER),
                400, "invalid_key_type");
        assertTrue(r.<String>path("detail").contains("ec256, ec384, rsa2048, rsa3072, rsa4096"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "@@@not-base64@@@|position 0",
            "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----|CERTIFICATE",
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA|not a PKCS#10"})
    void badCsrsAreInvalidCsrWithTheCause(String csr, String hint) {
        Response r = problem(post("/api/certificate", "{\"domain\":\"a.certfn.test\",\"csr\":\"" + csr + "\"}", "Authorization", STRANGER),
                400, "invalid_csr");
        assertTrue(r.<String>path("detail").contains(hint), r.<String>path("detail"));
    }

    private static java.security.KeyPair keyPair(String algorithm, java.security.spec.AlgorithmParameterSpec spec) throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance(algorithm);
        if (spec != null) {
            generator.initialize(spec);
        }
        return generator.generateKeyPair();
    }

    @Test
    void aCsrWhoseSubjectHidesAnotherNameInAMultiValuedRdnIsRefused() throws Exception {
        // O=a.certfn.test+CN=evil.example.org: reading only the RDN's first value saw a.certfn.test alone.
        String der = java.util.Base64.getEncoder().encodeToString(io.certfn.testing.TestCerts.csrWithSubject(
                io.certfn.crypto.KeyType.EC256.generate(), "O=a.certfn.test+CN=evil.example.org", "a.certfn.test"));
        Response r = fieldProblem(post("/api/certificate", "{\"domain\":\"a.certfn.test\",\"csr\":\"" + der + "\"}",
                "Authorization", STRANGER), "invalid_csr", "csr");
        assertTrue(r.<String>path("detail").contains("evil.example.org"), r.<String>path("detail"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "RSA|1024|65537|RSA key has 1024 bits",
            "RSA|2048|8589934593|public exponent is 8589934593; the CAs accept only 65537",
            "RSA|2048|3|public exponent is 3; the CAs accept only 65537",
            "RSA|2560|65537|RSA key has 2560 bits; the CAs accept 2048, 3072 or 4096",
            "EC|521|0|521-bit curve",
            "Ed25519|0|0|key is not accepted by the CAs"})
    void csrKeysTheCaWouldRefuseAreRefusedBeforeAnyWork(String algorithm, int size, long exponent, String expected) throws Exception {
        java.security.spec.AlgorithmParameterSpec spec = switch (algorithm) {
            case "RSA" -> new java.security.spec.RSAKeyGenParameterSpec(size, java.math.BigInteger.valueOf(exponent));
            case "EC" -> new java.security.spec.ECGenParameterSpec("secp521r1");
            default -> null;
        };
        String der = java.util.Base64.getEncoder().encodeToString(io.certfn.testing.TestCerts.csr(keyPair(algorithm, spec), "a.certfn.test"));
        Response r = fieldProblem(post("/api/certificate", "{\"domain\":\"a.certfn.test\",\"csr\":\"" + der + "\"}",
                "Authorization", STRANGER), "invalid_csr", "csr");
        assertTrue(r.<String>path("detail").contains(expected), r.<String>path("detail"));
    }

    @Test
    void noAuthorizationIsUnauthenticatedWithTheSchemes() {
        Response r = problem(post("/api/certificate", "{\"domain\":\"a.certfn.test\"}"), 401, "unauthenticated");
        assertTrue(r.<String>path("detail").contains("APIKey") && r.<String>path("detail").contains("Bearer"));
        assertTrue(r.header("WWW-Authenticate").contains("APIKey"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic dXNlcjpwYXNz", "APIKey", "Bearer", "Token abc"})
    void otherSchemesOrEmptyCredentialsAreUnauthenticated(String header) {
        problem(post("/api/certificate", "{\"domain\":\"a.certfn.test\"}", "Authorization", header), 401, "unauthenticated");
    }

    @Test
    void unknownApiKeyIsInvalidCredentialsWithoutEchoingIt() {
        String key = "wrong-key-but-long-enough-123";
        Response r = problem(post("/api/certificate", "{\"domain\":\"a.certfn.test\"}", "Authorization", "APIKey " + key),
                401, "invalid_credentials");
        assertFalse(r.asString().contains(key));
        assertEquals("APIKey realm=\"certfn\"", r.header("WWW-Authenticate"));
    }

    @Test
    void bearerTokenFromAnUntrustedIssuerIsInvalidToken() {
        // {"alg":"RS256"}.{"iss":"https://evil.example","sub":"x"}.sig
        String token = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2V2aWwuZXhhbXBsZSIsInN1YiI6IngifQ.c2ln";
        Response r = problem(post("/api/certificate", "{\"domain\":\"a.certfn.test\"}", "Authorization", "Bearer " + token),
                401, "invalid_token");
        assertEquals("issuer_not_trusted", r.path("reason"));
        assertTrue(r.<String>path("detail").contains("'https://evil.example'"), r.<String>path("detail"));
        assertTrue(r.header("WWW-Authenticate").startsWith("Bearer realm=\"certfn\", error=\"invalid_token\""));
        assertFalse(r.asString().contains(token.substring(20)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"APIKey ", "apikey ", "APIKEY ", "ApiKey   "})
    void apiKeySchemeMatchesCaseInsensitively(String scheme) {
        // The stranger key authenticates (so the scheme was understood) and is then denied by policy.
        problem(post("/api/certificate", "{\"domain\":\"a.certfn.test\"}", "Authorization", scheme + AcmeStackResource.STRANGER_KEY),
                403, "domain_not_allowed");
    }

    @Test
    void callerWithoutRuleIsDeniedNamingTheCaller() {
        Response r = problem(post("/api/certificate", "{\"domain\":\"a.certfn.test\"}", "Authorization", STRANGER), 403, "domain_not_allowed");
        assertTrue(r.<String>path("detail").contains("apiKey:stranger"), r.<String>path("detail"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"other.certfn.test", "apps.certfn.test", "www.web.certfn.test", "badapps.certfn.test"})
    void nameOutsideTheCallersPatternsIsDeniedNamingTheName(String name) {
        Response r = problem(post("/api/certificate", "{\"domains\":[\"web.certfn.test\",\"" + name + "\"]}", "Authorization", WEB),
                403, "domain_not_allowed");
        assertTrue(r.<String>path("detail").contains("'" + name + "'"), r.<String>path("detail"));
        assertTrue(r.<String>path("detail").contains("apiKey:web"));
    }

    @Test
    void bodyLimitIsSixtyFourKibibytes() {
        problem(post("/api/certificate", paddedBody(64 * 1024 + 1), "Authorization", STRANGER), 413, "body_too_large");
        // At the limit the body is read and the request goes on to the policy.
        problem(post("/api/certificate", paddedBody(64 * 1024), "Authorization", STRANGER), 403, "domain_not_allowed");
        problem(post("/api/certificate", paddedBody(64 * 1024 - 1), "Authorization", STRANGER), 403, "domain_not_allowed");
        problem(post("/api/certificate", paddedBody(2 * 1024 * 1024 - 100), "Authorization", STRANGER), 413, "body_too_large");
    }

    @Test
    void aChunkedBodyIsCutAtSixtyFourKibibytes() throws Exception {
        assertEquals(413, chunked(paddedBody(64 * 1024 + 1)).statusCode());
        java.net.http.HttpResponse<String> over = chunked(paddedBody(200 * 1024));
        assertEquals(413, over.statusCode(), over.body());
        assertTrue(over.body().contains("\"code\":\"body_too_large\""), over.body());
        java.net.http.HttpResponse<String> at = chunked(paddedBody(64 * 1024));
        assertEquals(403, at.statusCode(), "at the limit the body is read and the policy decides: " + at.body());
    }

    /** POSTs {@code body} without a Content-Length: the JDK client sends an InputStream chunked. */
    private java.net.http.HttpResponse<String> chunked(String body) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(certificateUrl)
                .header("Authorization", STRANGER).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @io.quarkus.test.common.http.TestHTTPResource("/api/certificate")
    java.net.URI certificateUrl;

    @Test
    void aProfileFromACaWithoutProfilesIs400InvalidProfileNotA500() {
        Response r = fieldProblem(post("/api/certificate", "{\"domain\":\"web.certfn.test\",\"profile\":\"shortlived\"}",
                "Authorization", WEB), "invalid_profile", "profile");
        assertTrue(r.<String>path("detail").contains("offers no profiles"), r.<String>path("detail"));
    }

    @Test
    void unknownFieldsAreIgnored() {
        problem(post("/api/certificate", "{\"domain\":\"a.certfn.test\",\"future\":{\"x\":1}}", "Authorization", STRANGER),
                403, "domain_not_allowed");
    }

    @Test
    void healthzIs204WithNoBodyAndNeedsNoAuth() {
        Response r = given().get("/healthz");
        assertEquals(204, r.statusCode(), r.asString());
        assertEquals("", r.asString());
    }

    @Test
    void aWrongMethodIsAProblemWithAStableCode() {
        Response r = given().header("Authorization", STRANGER).get("/api/certificate");
        problem(r, 405, "method_not_allowed");
    }

    @Test
    void unknownPathsAreProblems() {
        Response r = given().get("/api/nothing");
        problem(r, 404, "not_found");
    }

    private static String paddedBody(int size) {
        String head = "{\"domain\":\"a.certfn.test\",\"pad\":\"";
        String tail = "\"}";
        return head + "x".repeat(size - head.length() - tail.length()) + tail;
    }
}
