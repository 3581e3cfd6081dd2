package io.certfn.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.crypto.KeySealer;
import io.certfn.testing.TestConfig;
import io.certfn.testing.TestStore;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Several CAs in certfn.acme.directory: one account each, in order, each with its own EAB place. */
class AcmeAccountsTest {

    private static AcmeAccounts accounts(Map<String, String> config) throws Exception {
        return new AcmeAccounts(TestConfig.of(AcmeConfig.class, config), TestStore.store(Files.createTempDirectory("certfn-accounts")), KeySealer.none(),
                new ObjectMapper());
    }

    @Test
    void eachCaHasItsAccountAndItsPlaceInTheEabLists() throws Exception {
        AcmeAccounts two = accounts(Map.of("certfn.acme.directory", "acme://letsencrypt.org, https://acme.zerossl.com/v2/DV90",
                "certfn.acme.eab.kid", ",zerossl-kid", "certfn.acme.eab.hmac-key", ",c2VjcmV0LW1hYy1rZXk"));
        List<AcmeAccount> all = two.all();
        assertEquals(List.of("https://acme-v02.api.letsencrypt.org/directory", "https://acme.zerossl.com/v2/DV90"),
                all.stream().map(AcmeAccount::directory).toList());
        assertEquals(Optional.empty(), all.get(0).eab().kid(), "Let's Encrypt: no EAB");
        assertEquals(Optional.of("zerossl-kid"), all.get(1).eab().kid());
        assertEquals("HS256", all.get(1).eab().macAlgorithm());
        assertTrue(!all.get(0).storeKey().equals(all.get(1).storeKey()), "one stored account per CA");
    }

    @Test
    void listsThatDoNotFitTheCasAreAStartupErrorNamingTheKeys() {
        IllegalStateException tooMany = assertThrows(IllegalStateException.class, () -> accounts(Map.of(
                "certfn.acme.directory", "acme://letsencrypt.org", "certfn.acme.eab.kid", "a,b", "certfn.acme.eab.hmac-key", "c2VjcmV0,c2VjcmV0")));
        assertTrue(tooMany.getMessage().startsWith("certfn.acme.eab.kid / hmac-key list 2 values for 1 CA(s)"), tooMany.getMessage());
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> accounts(Map.of(
                "certfn.acme.directory", "acme://letsencrypt.org,https://acme-v02.api.letsencrypt.org/directory")));
        assertTrue(twice.getMessage().startsWith("certfn.acme.directory names one CA twice"), twice.getMessage());
    }
}
