package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStack;
import io.certfn.testing.CertfnProcess;
import io.certfn.testing.TestCerts;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.junit.jupiter.api.Test;

/**
 * A CA that offers alternate chains (Pebble with {@code PEBBLE_ALTERNATE_ROOTS}, as Let's Encrypt
 * offers ISRG Root X2's shorter ECDSA chain): {@code certfn.acme.preferred-chain} picks the one
 * whose root has that common name; a name no chain has keeps the default, with a warning.
 */
class PreferredChainIT {

    private static final String KEY = "preferred-chain-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void thePreferredRootsChainIsServedAndAnUnknownOneKeepsTheDefault() throws Exception {
        try (AcmeStack stack = AcmeStack.start(Map.of("PEBBLE_ALTERNATE_ROOTS", "1"))) {
            X509Certificate defaultRoot = stack.root(0);
            X509Certificate alternateRoot = stack.root(1);
            String alternate = commonName(alternateRoot);
            assertNotEquals(commonName(defaultRoot), alternate);
            Map<String, String> base = CertfnProcess.config(stack.certfnConfig(),
                    "certfn.store.file.path", Files.createTempDirectory("certfn-chain").toString(), "certfn.auth.api-keys", "ops=" + KEY);

            try (CertfnProcess certfn = CertfnProcess.start(CertfnProcess.config(base, "certfn.acme.preferred-chain", alternate))) {
                JsonNode cert = obtain(certfn, "alternate.certfn.test");
                TestCerts.verifyChain(cert.path("certificate").asText(), alternateRoot);
                assertThrows(Throwable.class, () -> TestCerts.verifyChain(cert.path("certificate").asText(), defaultRoot));
            }
            try (CertfnProcess certfn = CertfnProcess.start(CertfnProcess.config(base, "certfn.acme.preferred-chain", "No Such Root"))) {
                JsonNode cert = obtain(certfn, "default.certfn.test");
                TestCerts.verifyChain(cert.path("certificate").asText(), defaultRoot);
                assertTrue(certfn.log().contains("The CA offers no chain to a root named 'No Such Root'"), certfn.log());
            }
        }
    }

    private static JsonNode obtain(CertfnProcess certfn, String name) throws Exception {
        HttpResponse<String> r = certfn.post("/api/certificate", "APIKey " + KEY, "{\"domain\":\"" + name + "\"}");
        assertEquals(200, r.statusCode(), r.body() + certfn.log());
        return JSON.readTree(r.body());
    }

    private static String commonName(X509Certificate certificate) throws Exception {
        for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
            if (rdn.getType().equalsIgnoreCase("CN")) {
                return rdn.getValue().toString();
            }
        }
        throw new AssertionError("no CN in " + certificate.getSubjectX500Principal());
    }
}
