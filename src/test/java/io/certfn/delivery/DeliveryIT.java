package io.certfn.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.TestCerts;
import io.certfn.testing.TestStore;
import io.certfn.testing.delivery.FakeCertificateManager;
import io.certfn.testing.delivery.FakeKeyVault;
import io.certfn.testing.stores.StoreServer;
import io.certfn.testing.stores.Stores;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.acm.AcmClient;

/**
 * Certificates delivered where the clouds' load balancers read them, end to end: certfn's own ACM
 * client against moto's ACM (the real AWS emulator), its Key Vault SDK client against
 * {@link FakeKeyVault} and its Certificate Manager client against {@link FakeCertificateManager}
 * (no emulator of either can be had here; their headers say what they reproduce). Issuance, a
 * renewal onto the same ARN / a new Key Vault version / the same Certificate Manager resource, a
 * failed delivery named in the answer and the report and retried by the sweep, a soft-deleted Key
 * Vault name, and a client-key certificate that is never delivered.
 */
class DeliveryIT {

    private static final String KEY = "delivery-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEB = "web.deliver.certfn.test";

    @Test
    void issuedAndRenewedCertificatesReachTheirTargetsAndAFailedDeliveryIsRetriedByTheSweep() throws Exception {
        Path store = Files.createTempDirectory("certfn-delivery");
        try (StoreServer moto = Stores.start("s3"); FakeKeyVault vault = FakeKeyVault.start();
                FakeCertificateManager manager = FakeCertificateManager.start(); AcmeStack stack = AcmeStack.start(Map.of())) {
            String acmEndpoint = moto.certfnConfig("").get("certfn.store.s3.endpoint");
            Map<String, String> config = new HashMap<>(stack.certfnConfig());
            config.put("certfn.store.file.path", store.toString());
            config.put("certfn.auth.api-keys", "ops=" + KEY);
            config.put("certfn.renewal.sweep-interval", "0s");
            config.put("certfn.policy", """
                    {"rules": [
                      {"name": "web", "match": {"apiKey": "ops"}, "domains": ["web.deliver.certfn.test"], "deliver": [
                        {"acm": {"region": "eu-west-1"}},
                        {"keyVault": {"vault": "%s", "name": "web"}},
                        {"certificateManager": {"project": "certfn-test", "location": "global", "name": "web"}}]},
                      {"name": "old", "match": {"apiKey": "ops"}, "domains": ["old.deliver.certfn.test"], "deliver": [
                        {"keyVault": {"vault": "%s", "name": "old"}}]},
                      {"name": "shop", "match": {"apiKey": "ops"}, "domains": ["*.shop.certfn.test"], "deliver": [
                        {"keyVault": {"vault": "%s"}}]},
                      {"name": "rest", "match": {"apiKey": "ops"}, "domains": ["*.certfn.test"]}]}
                    """.formatted(vault.url(), vault.url(), vault.url()));
            config.put("certfn.delivery.acm.endpoint", acmEndpoint);
            config.put("AWS_ACCESS_KEY_ID", "test");
            config.put("AWS_SECRET_ACCESS_KEY", "test-secret");
            config.put("certfn.delivery.key-vault.access-token", vault.token());
            config.put("certfn.delivery.gcp.endpoint", manager.url());
            config.put("certfn.delivery.gcp.access-token", manager.token());
            AcmClient acm = AcmClient.builder().region(Region.EU_WEST_1).endpointOverride(URI.create(acmEndpoint))
                    .httpClient(UrlConnectionHttpClient.create())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test-secret"))).build();
            String cmName = "projects/certfn-test/locations/global/certificates/web";
            try (CertfnProcess certfn = CertfnProcess.start(config, vault.jvmFlags())) {
                // Issued: every target holds it, and the answer says where.
                JsonNode first = obtain(certfn, WEB);
                Map<String, JsonNode> delivery = byTarget(first);
                assertEquals(3, delivery.size(), first.toString());
                delivery.values().forEach(d -> assertEquals("delivered", d.path("status").asText(), first.toString()));
                String arn = delivery.get("acm:eu-west-1").path("id").asText();
                assertTrue(arn.startsWith("arn:aws:acm:eu-west-1:"), arn);
                assertEquals(serialOf(first), serialOfPem(acm.getCertificate(b -> b.certificateArn(arn)).certificate()));
                assertTrue(acm.listTagsForCertificate(b -> b.certificateArn(arn)).tags().stream()
                        .anyMatch(t -> t.key().equals("certfn:id") && !t.value().isBlank()), "tagged as certfn's");
                assertEquals(1, vault.versions("web").size());
                assertEquals(serialOf(first), vault.versions("web").get(0).certificate().getSerialNumber().toString(16));
                assertEquals(delivery.get("keyVault:" + vault.url() + "/web").path("id").asText(), vault.versions("web").get(0).id());
                assertEquals(serialOf(first), manager.certificate(cmName).orElseThrow().leaf().getSerialNumber().toString(16));
                assertEquals(cmName, delivery.get("certificateManager:" + cmName).path("id").asText());
                assertTrue(certfn.log().contains("event=delivered"), "audited: " + certfn.log());

                // Renewed by the sweep: the same ARN, a new Key Vault version, the same Certificate Manager resource.
                TestStore.makeDue(store, WEB);
                JsonNode report = sweep(certfn);
                assertEquals(1, report.path("renewed").asInt(), report.toString());
                assertEquals(0, report.path("undelivered").asInt(), report.toString());
                JsonNode renewed = obtain(certfn, WEB);
                assertNotEquals(serialOf(first), serialOf(renewed));
                assertEquals(arn, byTarget(renewed).get("acm:eu-west-1").path("id").asText(), "re-imported onto the same ARN");
                assertEquals(serialOf(renewed), serialOfPem(acm.getCertificate(b -> b.certificateArn(arn)).certificate()));
                assertEquals(1, acm.listCertificates().certificateSummaryList().size(), "no second ACM certificate");
                assertEquals(2, vault.versions("web").size(), "a new version of the same Key Vault certificate");
                assertEquals(serialOf(renewed), vault.versions("web").get(1).certificate().getSerialNumber().toString(16));
                assertEquals(2, manager.certificate(cmName).orElseThrow().writes(), "the same resource, patched");
                assertEquals(serialOf(renewed), manager.certificate(cmName).orElseThrow().leaf().getSerialNumber().toString(16));

                // Key Vault and Certificate Manager refuse: the certificate is still served, the failures named in the
                // report and the answer, counted.
                vault.forbid(true);
                manager.forbid(true);
                TestStore.makeDue(store, WEB);
                JsonNode refused = sweep(certfn);
                assertEquals(1, refused.path("renewed").asInt(), refused.toString());
                assertEquals(2, refused.path("undelivered").asInt(), refused.toString());
                JsonNode failure = refused.path("deliveryFailures").get(0);
                JsonNode denied = refused.path("deliveryFailures").get(1);
                assertEquals("certificateManager:" + cmName, denied.path("target").asText(), refused.toString());
                assertTrue(denied.path("detail").asText().contains("PERMISSION_DENIED Permission 'certificatemanager.certs.update' denied")
                        && denied.path("detail").asText().contains("DELIVER_CERTIFICATE_MANAGER=1"), refused.toString());
                assertEquals("keyVault:" + vault.url() + "/web", failure.path("target").asText(), refused.toString());
                assertTrue(failure.path("detail").asText().contains("HTTP 403 Forbidden: Caller is not authorized to perform action on resource.")
                        && failure.path("detail").asText().contains("Key Vault Certificates Officer"), refused.toString());
                assertFalse(failure.path("detail").asText().contains("DecisionReason"), "the lines after the first stay out of answers");
                JsonNode third = obtain(certfn, WEB);
                Map<String, JsonNode> partly = byTarget(third);
                assertEquals("failed", partly.get("keyVault:" + vault.url() + "/web").path("status").asText(), third.toString());
                assertEquals("delivered", partly.get("acm:eu-west-1").path("status").asText(), third.toString());
                assertTrue(certfn.log().contains("undelivered=2"), "the sweep's line: " + certfn.log());
                assertTrue(certfn.get("/q/metrics").body().contains("certfn_delivery_failures_total{target=\"keyVault\"} 1.0"),
                        certfn.get("/q/metrics").body());

                // Allowed again: the next sweep delivers it, renewing nothing.
                vault.forbid(false);
                manager.forbid(false);
                JsonNode retried = sweep(certfn);
                assertEquals(0, retried.path("renewed").asInt(), retried.toString());
                assertEquals(0, retried.path("undelivered").asInt(), retried.toString());
                assertEquals(3, vault.versions("web").size());
                assertEquals(serialOf(third), vault.versions("web").get(2).certificate().getSerialNumber().toString(16));
                assertEquals("delivered", byTarget(obtain(certfn, WEB)).get("keyVault:" + vault.url() + "/web").path("status").asText());
                assertEquals(serialOf(third), manager.certificate(cmName).orElseThrow().leaf().getSerialNumber().toString(16));

                // A certificate without a name in its rule gets one of its own, the same at every renewal.
                String shop = "a.shop.certfn.test";
                JsonNode own = obtain(certfn, shop);
                assertEquals("delivered", own.path("delivery").get(0).path("status").asText(), own.toString());
                assertEquals(1, vault.versions(derivedName(store, shop)).size(), vault.names().toString());

                // A name held by a soft-deleted certificate: said, with what to do; purged, the sweep delivers.
                vault.softDelete("old");
                JsonNode deleted = obtain(certfn, "old.deliver.certfn.test");
                JsonNode held = deleted.path("delivery").get(0);
                assertEquals("failed", held.path("status").asText(), deleted.toString());
                assertTrue(held.path("detail").asText().contains("soft delete"), deleted.toString());
                vault.purge("old");
                assertEquals(0, sweep(certfn).path("undelivered").asInt());
                assertEquals(1, vault.versions("old").size());

                // A client's key is never delivered; a name no delivering rule grants has no delivery member.
                var key = KeyPairGenerator.getInstance("EC").generateKeyPair();
                String csr = TestCerts.csrPem(TestCerts.csr(key, "b.shop.certfn.test")).replace("\n", "\\n");
                HttpResponse<String> csrAnswer = certfn.post("/api/certificate", "APIKey " + KEY,
                        "{\"domain\":\"b.shop.certfn.test\",\"csr\":\"" + csr + "\"}");
                assertEquals(200, csrAnswer.statusCode(), csrAnswer.body());
                assertTrue(JSON.readTree(csrAnswer.body()).path("delivery").isMissingNode(), csrAnswer.body());
                assertTrue(obtain(certfn, "plain.certfn.test").path("delivery").isMissingNode());
                assertEquals(3, vault.names().size(), "only web, old and a.shop's: " + vault.names());
            }
            acm.close();
        }
    }

    private static String derivedName(Path store, String name) throws Exception {
        String key = TestStore.certificateKey(TestStore.store(store), name);
        String id = key.substring("certs/".length(), key.length() - "/certificate.json".length());
        return "certfn-" + name.replace(".", "-") + "-" + id.substring(id.length() - 8);
    }

    private static JsonNode obtain(CertfnProcess certfn, String name) throws Exception {
        HttpResponse<String> r = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + name + "\"}");
        assertEquals(200, r.statusCode(), r.body() + certfn.log());
        return JSON.readTree(r.body());
    }

    private static JsonNode sweep(CertfnProcess certfn) throws Exception {
        return certfn.sweep("APIKey " + KEY);
    }

    private static Map<String, JsonNode> byTarget(JsonNode answer) {
        Map<String, JsonNode> byTarget = new HashMap<>();
        answer.path("delivery").forEach(d -> byTarget.put(d.path("target").asText(), d));
        return byTarget;
    }

    private static String serialOf(JsonNode answer) {
        return new BigInteger(answer.path("serial").asText().replace(":", ""), 16).toString(16);
    }

    private static String serialOfPem(String pem) {
        List<java.security.cert.X509Certificate> certs = TestCerts.parse(pem);
        return certs.get(0).getSerialNumber().toString(16);
    }
}
