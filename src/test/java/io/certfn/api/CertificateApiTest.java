package io.certfn.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certfn.crypto.KeyType;
import io.certfn.store.ChecksummedStore;
import io.certfn.store.ObjectStore;
import io.certfn.store.Versioned;
import io.certfn.store.file.FileObjectStore;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.AcmeStackResource;
import io.certfn.testing.TestStore;
import io.certfn.testing.TestCerts;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issuance through the HTTP API against a real Pebble and Knot. */
@QuarkusTest
@QuarkusTestResource(AcmeStackResource.class)
class CertificateApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static AcmeStack stack() {
        return AcmeStack.attach(Path.of(System.getProperty(AcmeStackResource.STACK_DIR)));
    }

    static Response post(String path, String body, String... headers) {
        var request = given().contentType("application/json").body(body);
        for (int i = 0; i < headers.length; i += 2) {
            request = request.header(headers[i], headers[i + 1]);
        }
        return request.post(path);
    }

    static Response obtain(String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "APIKey " + AcmeStackResource.OPS_KEY;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return post("/api/certificate", body, all);
    }

    @Test
    void issuesMultiSanCertificateThatVerifiesAgainstPebbleRoot() throws Exception {
        Response r = obtain("{\"domains\":[\"one.certfn.test\",\"two.certfn.test\"]}");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("one.certfn.test", r.path("domain"));
        assertEquals(List.of("one.certfn.test", "two.certfn.test"), r.path("domains"));
        assertEquals(false, r.path("cached"));
        // certificate is the leaf followed by its chain (docs/design.md §2), what a TLS server presents as it is.
        TestCerts.verifyChain(r.path("certificate"), stack().root());
        List<X509Certificate> leafOnly = TestCerts.parse(r.path("leaf"));
        assertEquals(1, leafOnly.size(), "leaf holds the leaf alone");
        X509Certificate leaf = leafOnly.get(0);
        assertEquals(leaf, TestCerts.parse(r.path("certificate")).get(0), "the leaf comes first");
        assertEquals(Set.of("one.certfn.test", "two.certfn.test"), TestCerts.dnsNames(leaf));
        assertEquals(r.<String>path("leaf") + r.<String>path("issuerCert"), r.path("certificate"));
        assertEquals(r.<String>path("certificate"), r.path("fullChain"));
        assertEquals(leaf.getSerialNumber().toString(16), r.path("serial"));
        assertEquals(leaf.getNotAfter().toInstant().toString(), r.path("notAfter"));
        Instant renewAfter = Instant.parse(r.path("renewAfter"));
        assertTrue(renewAfter.isAfter(Instant.now()) && renewAfter.isBefore(leaf.getNotAfter().toInstant()));
        assertKeyMatches(r.path("privateKey"), leaf);
    }

    @ParameterizedTest
    @CsvSource({"text/plain", "text/html", "*/*", "application/x-pem-file"})
    void anyAcceptGetsTheCertificateAsJson(String accept) {
        Response r = obtain("{\"domain\":\"accept.certfn.test\"}", "Accept", accept);
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("application/json", r.contentType());
        assertEquals("accept.certfn.test", r.path("domain"));
        assertTrue(r.<String>path("certificate").startsWith("-----BEGIN CERTIFICATE-----"), r.asString());
    }

    @Test
    void servesStoredCertificateUntilDueWhateverTheNameOrder() {
        Response first = obtain("{\"domains\":[\"cache.certfn.test\",\"www.cache.certfn.test\"]}");
        assertEquals(200, first.statusCode(), first.asString());
        int orders = stack().orderCount();
        Response again = obtain("{\"domains\":[\"www.cache.certfn.test\",\"cache.certfn.test\"]}");
        assertEquals(200, again.statusCode());
        assertEquals(true, again.path("cached"));
        assertEquals(first.<String>path("serial"), again.path("serial"));
        assertEquals(first.<String>path("privateKey"), again.path("privateKey"));
        assertEquals("www.cache.certfn.test", again.path("domain"));
        assertEquals(orders, stack().orderCount());
    }

    @Test
    void renewBeforeDueIsRefusedWithRetryAfter() {
        String body = "{\"domain\":\"early.certfn.test\"}";
        assertEquals(200, obtain(body).statusCode());
        Response renew = post("/api/certificate/renew", body, "Authorization", "APIKey " + AcmeStackResource.OPS_KEY);
        assertEquals(429, renew.statusCode(), renew.asString());
        assertEquals("renew_too_soon", renew.path("code"));
        assertEquals("application/problem+json", renew.contentType());
        assertTrue(Long.parseLong(renew.header("Retry-After")) > 0);
    }

    @Test
    void renewWhenDueOrdersANewCertificate() throws Exception {
        String body = "{\"domain\":\"due.certfn.test\"}";
        Response first = obtain(body);
        assertEquals(200, first.statusCode());
        TestStore.makeDue("due.certfn.test");
        int orders = stack().orderCount();
        Response renewed = post("/api/certificate/renew", body, "Authorization", "APIKey " + AcmeStackResource.OPS_KEY);
        assertEquals(200, renewed.statusCode(), renewed.asString());
        assertEquals(false, renewed.path("cached"));
        assertNotEquals(first.<String>path("serial"), renewed.path("serial"));
        assertEquals(orders + 1, stack().orderCount());
        assertEquals(renewed.<String>path("serial"), obtain(body).path("serial"));
    }

    @Test
    void obtainReplacesADueCertificate() throws Exception {
        String body = "{\"domain\":\"stale.certfn.test\"}";
        Response first = obtain(body);
        assertEquals(200, first.statusCode(), first.asString());
        TestStore.makeDue("stale.certfn.test");
        Response second = obtain(body);
        assertEquals(200, second.statusCode());
        assertEquals(false, second.path("cached"));
        assertNotEquals(first.<String>path("serial"), second.path("serial"));
    }

    @Test
    void wildcardAndApexInOneCertificate() {
        Response r = obtain("{\"domains\":[\"wild.certfn.test\",\"*.wild.certfn.test\"]}");
        assertEquals(200, r.statusCode(), r.asString());
        X509Certificate leaf = TestCerts.parse(r.path("certificate")).get(0);
        assertEquals(Set.of("wild.certfn.test", "*.wild.certfn.test"), TestCerts.dnsNames(leaf));
        assertTrue(stack().txt("_acme-challenge.wild.certfn.test").isEmpty(), "challenge records are removed");
    }

    @ParameterizedTest
    @CsvSource({"ec256,EC,256", "ec384,EC,384", "rsa2048,RSA,2048", "rsa3072,RSA,3072", "rsa4096,RSA,4096"})
    void issuesEachKeyType(String keyType, String algorithm, int bits) throws Exception {
        Response r = obtain("{\"domain\":\"" + keyType + ".keys.certfn.test\",\"keyType\":\"" + keyType + "\"}");
        assertEquals(200, r.statusCode(), r.asString());
        X509Certificate leaf = TestCerts.parse(r.path("certificate")).get(0);
        assertEquals(algorithm, leaf.getPublicKey().getAlgorithm());
        int size = leaf.getPublicKey() instanceof RSAPublicKey rsa ? rsa.getModulus().bitLength()
                : ((ECPublicKey) leaf.getPublicKey()).getParams().getCurve().getField().getFieldSize();
        assertEquals(bits, size);
        assertKeyMatches(r.path("privateKey"), leaf);
    }

    @Test
    void csrAsPemKeepsTheKeyWithTheClient() {
        var key = KeyType.EC256.generate();
        byte[] der = TestCerts.csr(key, "csr.certfn.test", "www.csr.certfn.test");
        ObjectNode body = JSON.createObjectNode();
        body.putArray("domains").add("csr.certfn.test").add("www.csr.certfn.test");
        body.put("csr", TestCerts.csrPem(der));
        Response r = obtain(body.toString());
        assertEquals(200, r.statusCode(), r.asString());
        assertNull(r.path("privateKey"));
        assertFalse(r.asString().contains("privateKey"));
        X509Certificate leaf = TestCerts.parse(r.path("certificate")).get(0);
        assertEquals(key.getPublic(), leaf.getPublicKey());
        assertEquals(Set.of("csr.certfn.test", "www.csr.certfn.test"), TestCerts.dnsNames(leaf));
    }

    @Test
    void csrAsBareBase64DerWorksAndKeyIsPartOfIdentity() {
        var key = KeyType.EC256.generate();
        String der = Base64.getEncoder().encodeToString(TestCerts.csr(key, "der.certfn.test"));
        Response r = obtain("{\"domain\":\"der.certfn.test\",\"csr\":\"" + der + "\"}");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(key.getPublic(), TestCerts.parse(r.path("certificate")).get(0).getPublicKey());
        // Another client key for the same name is another certificate.
        var other = KeyType.EC256.generate();
        String otherDer = Base64.getEncoder().encodeToString(TestCerts.csr(other, "der.certfn.test"));
        Response second = obtain("{\"domain\":\"der.certfn.test\",\"csr\":\"" + otherDer + "\"}");
        assertEquals(200, second.statusCode());
        assertEquals(other.getPublic(), TestCerts.parse(second.path("certificate")).get(0).getPublicKey());
        assertEquals(false, second.path("cached"));
    }

    @Test
    void csrWithOtherNamesIsRejected() {
        String der = Base64.getEncoder().encodeToString(TestCerts.csr(KeyType.EC256.generate(), "a.certfn.test", "b.certfn.test"));
        Response r = obtain("{\"domain\":\"a.certfn.test\",\"csr\":\"" + der + "\"}");
        assertEquals(400, r.statusCode());
        assertEquals("invalid_csr", r.path("code"));
        assertTrue(r.<String>path("detail").contains("b.certfn.test"), r.<String>path("detail"));
    }

    @Test
    void longOrderAnswers202AndTheNextCallGetsTheSameOrder() throws Exception {
        String body = "{\"domain\":\"slow.certfn.test\"}";
        int orders = stack().orderCount();
        Response pending = obtain(body, "Prefer", "wait=0");
        assertEquals(202, pending.statusCode(), pending.asString());
        assertEquals("pending", pending.path("status"));
        assertEquals("slow.certfn.test", pending.path("domain"));
        assertTrue(Long.parseLong(pending.header("Retry-After")) >= 1);
        assertEquals("wait=0", pending.header("Preference-Applied"));
        Response done = obtain(body);
        assertEquals(200, done.statusCode(), done.asString());
        assertEquals(orders + 1, stack().orderCount(), "the second call joined the running order");
    }

    @Test
    void aCnameAtTheChallengeNameDelegatesTheRecordToItsTarget() {
        // Knot refuses TXT data beside a CNAME, so the order only succeeds if certfn writes at the target.
        stack().addRecord("_acme-challenge.delegated", org.xbill.DNS.Type.CNAME, "_acme-challenge.delegate-target.certfn.test.");
        Response r = obtain("{\"domain\":\"delegated.certfn.test\"}");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(List.of(), stack().txt("_acme-challenge.delegate-target.certfn.test"), "its value is removed afterwards");
    }

    @Test
    void aCnameToANameThatIsNoChallengeNameIsNeverWrittenTo() {
        // The caller controls its own _acme-challenge CNAME; certfn must not write a TXT record at _dmarc.victim with its credentials.
        assertCnameRefused("dmarc-hijack", "_dmarc.certfn.test.", "is a CNAME to '_dmarc.certfn.test', which is neither an"
                + " _acme-challenge name nor in a delegation zone (certfn.dns.delegation-zones is empty)");
        assertEquals(List.of(), stack().txt("_dmarc.certfn.test"), "nothing was written at the target");
    }

    /** A CNAME at {@code _acme-challenge.<label>} to {@code target}: the order is refused with 502 dns_error saying {@code why}. */
    private static void assertCnameRefused(String label, String target, String why) {
        stack().addRecord("_acme-challenge." + label, org.xbill.DNS.Type.CNAME, target);
        Response r = obtain("{\"domain\":\"" + label + ".certfn.test\"}");
        assertEquals(502, r.statusCode(), r.asString());
        assertEquals("dns_error", r.path("code"));
        assertTrue(r.<String>path("detail").contains(why), r.asString());
    }

    @Test
    void aCnameTargetThatIsNoHostNameIsNeverWrittenTo() {
        // The name's owner controls this CNAME; its target flows into the DNS provider's calls (for Azure, a URL path).
        assertCnameRefused("hostile", "x/%2e%2e?api-version=evil.certfn.test.",
                "is a CNAME to 'x/%2e%2e?api-version=evil.certfn.test', which is not a host name");
    }

    @Test
    void privateKeysAreSealedAtRestAndOpenedForTheCaller() throws Exception {
        Response r = obtain("{\"domain\":\"sealed.certfn.test\"}");
        assertEquals(200, r.statusCode(), r.asString());
        String stored = new String(TestStore.store().get(TestStore.certificateKey("sealed.certfn.test")).orElseThrow().data(), StandardCharsets.UTF_8);
        assertFalse(stored.contains("PRIVATE KEY"), stored);
        assertTrue(stored.contains("\"privateKey\":\"sealed:v1:"), stored);
        assertKeyMatches(r.path("privateKey"), TestCerts.parse(r.path("certificate")).get(0));
        for (String key : TestStore.store().list("acme/")) {
            assertFalse(new String(TestStore.store().get(key).orElseThrow().data(), StandardCharsets.UTF_8).contains("PRIVATE KEY"), key);
        }
    }

    @Test
    void theKeyTypeIsPartOfTheIdentity() {
        Response ec = obtain("{\"domain\":\"keytype.certfn.test\",\"keyType\":\"ec256\"}");
        assertEquals(200, ec.statusCode(), ec.asString());
        Response rsa = obtain("{\"domain\":\"keytype.certfn.test\",\"keyType\":\"rsa2048\"}");
        assertEquals(200, rsa.statusCode(), rsa.asString());
        assertNotEquals(ec.<String>path("serial"), rsa.path("serial"), "another key type is another certificate");
        assertTrue(TestCerts.parse(rsa.path("leaf")).get(0).getPublicKey() instanceof RSAPublicKey);
        assertTrue(TestCerts.parse(ec.path("leaf")).get(0).getPublicKey() instanceof ECPublicKey);
        assertEquals(ec.<String>path("serial"), obtain("{\"domain\":\"keytype.certfn.test\"}").path("serial"), "ec256 is the default");
    }

    @Test
    void twoCallersAllowedTheSameNamesGetTheSameCertificateAndKey() {
        Response ops = obtain("{\"domain\":\"shared.apps.certfn.test\"}");
        assertEquals(200, ops.statusCode(), ops.asString());
        Response web = post("/api/certificate", "{\"domain\":\"shared.apps.certfn.test\"}", "Authorization", "APIKey " + AcmeStackResource.WEB_KEY);
        assertEquals(200, web.statusCode(), web.asString());
        assertEquals(ops.<String>path("serial"), web.path("serial"));
        assertEquals(ops.<String>path("privateKey"), web.path("privateKey"));
    }

    @Test
    void anObjectAtACertificatesIdThatNamesOtherNamesIsNeverServed() throws Exception {
        assertEquals(200, obtain("{\"domain\":\"tampered.certfn.test\"}").statusCode());
        ObjectStore store = TestStore.store();
        String key = TestStore.certificateKey("tampered.certfn.test");
        Versioned current = store.get(key).orElseThrow();
        ObjectNode other = (ObjectNode) JSON.readTree(current.data());
        other.putArray("names").add("victim.certfn.test");
        store.putIfVersion(key, JSON.writeValueAsBytes(other), current.version()).orElseThrow();
        Response r = obtain("{\"domain\":\"tampered.certfn.test\"}");
        assertEquals(500, r.statusCode(), r.asString());
        assertEquals("internal", r.path("code"));
        assertFalse(r.asString().contains("PRIVATE KEY"));
        // README: an unexpected failure's detail gives an incident id for the server log, never a stack trace.
        assertTrue(r.<String>path("detail").matches("An unexpected error occurred; the server log has the details under incident "
                + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\."), r.asString());
        assertFalse(r.asString().contains("Exception") || r.asString().contains("\tat "), r.asString());
    }

    @Test
    void aCertificateStoredUnderTheOldShortIdIsMovedNotOrderedAgain() throws Exception {
        Response first = obtain("{\"domain\":\"legacy.certfn.test\"}");
        assertEquals(200, first.statusCode(), first.asString());
        ObjectStore store = TestStore.store();
        String key = TestStore.certificateKey("legacy.certfn.test");
        io.certfn.certs.CertificateSpec spec = new io.certfn.certs.CertificateSpec(List.of("legacy.certfn.test"),
                KeyType.EC256, java.util.Optional.empty(), java.util.Optional.empty());
        assertEquals("certs/" + spec.storageId() + "/certificate.json", key);
        assertTrue(spec.storageId().matches("legacy\\.certfn\\.test-[0-9a-f]{64}"), spec.storageId());
        // As a release before 2026-11-30 left it: under the 64-bit id, the key in clear (no data key then).
        Versioned current = store.get(key).orElseThrow();
        ObjectNode old = (ObjectNode) JSON.readTree(current.data());
        old.put("privateKey", first.<String>path("privateKey"));
        String legacyKey = "certs/" + spec.legacyStorageIds().get(0) + "/certificate.json";
        store.putIfAbsent(legacyKey, JSON.writeValueAsBytes(old)).orElseThrow();
        assertTrue(store.deleteIfVersion(key, current.version()));
        int orders = stack().orderCount();

        Response moved = obtain("{\"domain\":\"legacy.certfn.test\"}");
        assertEquals(200, moved.statusCode(), moved.asString());
        assertEquals(first.<String>path("serial"), moved.path("serial"));
        assertEquals(first.<String>path("privateKey"), moved.path("privateKey"));
        assertEquals(orders, stack().orderCount(), "nothing ordered anew");
        assertTrue(store.get(legacyKey).isEmpty(), "the old object is gone");
        String now = new String(store.get(key).orElseThrow().data(), StandardCharsets.UTF_8);
        assertTrue(now.contains("\"privateKey\":\"sealed:v1:"), "sealed again under its new id: " + now);
    }

    @Test
    void theFileStoreKeepsKeysFromOtherLocalUsers() throws Exception {
        assertEquals(200, obtain("{\"domain\":\"private.certfn.test\"}").statusCode());
        List<String> open = new java.util.ArrayList<>();
        try (var paths = java.nio.file.Files.walk(TestStore.dir())) {
            paths.forEach(p -> {
                try {
                    String perms = java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(p));
                    String expected = java.nio.file.Files.isDirectory(p) ? "rwx------" : "rw-------";
                    if (!perms.equals(expected)) {
                        open.add(TestStore.dir().relativize(p) + " " + perms);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        assertEquals(List.of(), open, "folders 0700, files 0600");
    }

    @Test
    void aCorruptStoredCertificateIsNeverServedButReissuedAndKeptForInspection() throws Exception {
        String body = "{\"domain\":\"corrupt.certfn.test\"}";
        Response first = obtain(body);
        assertEquals(200, first.statusCode(), first.asString());
        String key = TestStore.certificateKey("corrupt.certfn.test");
        // One flipped byte below the header, as a bad disk or a truncated upload would leave it.
        ObjectStore raw = new FileObjectStore(TestStore.dir());
        Versioned current = raw.get(key).orElseThrow();
        byte[] damaged = current.data().clone();
        damaged[damaged.length - 10] ^= 0x20;
        assertTrue(raw.putIfVersion(key, damaged, current.version()).isPresent());
        int orders = stack().orderCount();

        Response again = obtain(body);
        assertEquals(200, again.statusCode(), again.asString());
        assertEquals(false, again.path("cached"));
        assertNotEquals(first.<String>path("serial"), again.path("serial"));
        assertEquals(orders + 1, stack().orderCount());
        assertTrue(raw.list("quarantine/").stream().anyMatch(k -> k.startsWith("quarantine/" + key + ".")),
                "the damaged object is kept for inspection");
    }

    private static void assertKeyMatches(String pkcs8Pem, X509Certificate leaf) throws Exception {
        assertTrue(pkcs8Pem.startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM");
        String base64 = pkcs8Pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        String algorithm = leaf.getPublicKey().getAlgorithm();
        PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        String sigAlg = algorithm.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] data = "certfn".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance(sigAlg);
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(sigAlg);
        verifier.initVerify(leaf.getPublicKey());
        verifier.update(data);
        assertTrue(verifier.verify(signature), "private key belongs to the certificate");
    }

}
