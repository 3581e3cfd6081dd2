package io.certfn.delivery.keyvault;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.security.keyvault.certificates.CertificateClient;
import com.azure.security.keyvault.certificates.CertificateClientBuilder;
import com.azure.security.keyvault.certificates.models.CertificateContentType;
import com.azure.security.keyvault.certificates.models.CertificatePolicy;
import com.azure.security.keyvault.certificates.models.ImportCertificateOptions;
import io.certfn.cloud.sdk.AzureCredentials;
import io.certfn.crypto.Pem;
import io.certfn.delivery.DeliveryBackend;
import io.certfn.delivery.DeliveryConfig;
import io.certfn.delivery.DeliveryException;
import io.certfn.delivery.DeliveryTarget;
import io.certfn.delivery.Shipment;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Azure Key Vault: certificate import as PKCS#12 under one name per certificate. Each delivery is a
 * new version of that name, and Application Gateway, Front Door and App Service follow a
 * certificate's newest version when they reference it without one — so a renewal reaches them with
 * no change on their side. The first import's policy marks the secret {@code application/x-pkcs12}.
 */
@Singleton
@IfBuildProperty(name = "certfn-build.azure", stringValue = "true", enableIfMissing = true)
public class KeyVaultBackend implements DeliveryBackend {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Optional<String> accessToken;
    private final Duration timeout;
    /** One client per vault, built at first use (an HTTP client must not end up in a native image's heap). */
    private final Map<String, CertificateClient> clients = new ConcurrentHashMap<>();
    private volatile TokenCredential credential;

    public KeyVaultBackend(DeliveryConfig config) {
        this.accessToken = config.keyVault().accessToken();
        this.timeout = config.timeout();
    }

    @Override
    public String kind() {
        return "keyVault";
    }

    @Override
    public String deliver(DeliveryTarget target, Shipment shipment, Optional<String> previous) {
        DeliveryTarget.KeyVault vault = (DeliveryTarget.KeyVault) target;
        String name = vault.resourceName(shipment.names(), shipment.storageId());
        byte[] secret = new byte[16];
        RANDOM.nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        ImportCertificateOptions options = new ImportCertificateOptions(name, pkcs12(shipment, password.toCharArray()))
                .setPassword(password).setEnabled(true)
                .setTags(Map.of("certfn-id", shipment.storageId(), "certfn-serial", shipment.serial()))
                .setPolicy(new CertificatePolicy("Unknown", "CN=" + shipment.names().get(0)).setContentType(CertificateContentType.PKCS12));
        try {
            return client(vault.vault().toString()).importCertificate(options).getId();
        } catch (HttpResponseException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
            throw new DeliveryException("Key Vault import of certificate '" + name + "' into " + vault.vault() + " failed: HTTP " + status
                    + " " + brief(e) + hint(status, vault, name), e);
        } catch (RuntimeException e) {
            throw new DeliveryException("Key Vault " + vault.vault() + " could not be reached to import '" + name + "': " + brief(e), e);
        }
    }

    private static String hint(int status, DeliveryTarget.KeyVault vault, String name) {
        return switch (status) {
            case 401, 403 -> " (the function's identity needs the role Key Vault Certificates Officer on " + vault.vault()
                    + "; the deploy template grants it with deliveryKeyVaultName)";
            case 409 -> " (a deleted certificate '" + name + "' is kept by soft delete: recover it with az keyvault certificate recover,"
                    + " or purge it, and the next sweep delivers again)";
            default -> "";
        };
    }

    private static final java.util.regex.Pattern ERROR_CODE = java.util.regex.Pattern.compile("\"code\":\"([^\"]+)\"");
    /** Key Vault's message up to its first line break: the lines after it name the caller's ids and the vault's location. */
    private static final java.util.regex.Pattern ERROR_MESSAGE = java.util.regex.Pattern.compile("\"message\":\"(.*?)(\\\\r|\\\\n|\\r|\\n|\")");

    /**
     * Key Vault's error code and the first line of its message, bounded: the answer and the report
     * quote it, so the rest (the caller's object id, the vault's region) stays in the log.
     */
    private static String brief(RuntimeException e) {
        String text = String.valueOf(e.getMessage());
        java.util.regex.Matcher code = ERROR_CODE.matcher(text);
        java.util.regex.Matcher message = ERROR_MESSAGE.matcher(text);
        if (code.find() && message.find()) {
            return code.group(1) + ": " + message.group(1);
        }
        String line = text.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** The key and its chain as one PKCS#12 file: what Key Vault imports. */
    static byte[] pkcs12(Shipment shipment, char[] password) {
        try {
            List<X509Certificate> chain = new ArrayList<>(Pem.readCertificates(shipment.leaf()));
            chain.addAll(Pem.readCertificates(shipment.chain()));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("certfn", Pem.readPrivateKey(shipment.privateKey()), password, chain.toArray(X509Certificate[]::new));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password);
            return out.toByteArray();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new DeliveryException("The certificate for " + shipment.names() + " could not be packed as PKCS#12: " + e.getMessage(), e);
        }
    }

    private CertificateClient client(String vault) {
        return clients.computeIfAbsent(vault, url -> new CertificateClientBuilder().vaultUrl(url).credential(credential())
                .httpClient(new JdkHttpClientBuilder().connectionTimeout(Duration.ofSeconds(5)).responseTimeout(timeout).build())
                .buildClient());
    }

    private TokenCredential credential() {
        if (credential == null) {
            credential = accessToken.<TokenCredential>map(token -> request -> Mono.just(new AccessToken(token,
                    OffsetDateTime.now().plusHours(1)))).orElseGet(AzureCredentials::defaultChain);
        }
        return credential;
    }
}
