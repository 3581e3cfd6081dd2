package io.certfn.testing.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A stand-in for Azure Key Vault's certificate import, for certfn's real Key Vault SDK client
 * (azure-security-keyvault-certificates): no Key Vault emulator can be installed here (no runnable
 * Lowkey Vault jar is served; ../shared/TESTBED.md). Written from the Key Vault REST reference
 * (api-version 7.x, "Certificates - Import Certificate" and "Get Certificate") and Key Vault's
 * authentication and error documentation:
 * <ul>
 * <li>Challenge-based authentication: a request without a bearer token gets {@code 401} with
 *     {@code WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>",
 *     resource="https://vault.azure.net"}; the SDK then asks its credential for that resource's token
 *     and checks the challenge's resource against the vault's host — so the vault is served under a
 *     {@code *.vault.azure.net} name, resolved to 127.0.0.1 by the certfn JVM's hosts file
 *     ({@link #jvmFlags()}), over TLS with a certificate that JVM trusts (the SDK refuses bearer
 *     tokens over plain HTTP).</li>
 * <li>{@code POST /certificates/{name}/import}: {@code value} (base64 PKCS#12), {@code pwd},
 *     {@code policy}, {@code attributes}, {@code tags}; the PKCS#12 must open with the password and
 *     hold a key and its certificate. Each import is a new version of the name (32 hex digits); the
 *     answer is the CertificateBundle ({@code id}, {@code kid}, {@code sid}, {@code x5t}, {@code cer},
 *     {@code attributes}, {@code policy}, {@code tags}).</li>
 * <li>Errors as Key Vault words them: {@code 403 Forbidden} / {@code ForbiddenByRbac} for an
 *     identity without a role on the vault, and {@code 409 Conflict} /
 *     {@code ObjectIsDeletedButRecoverable} for a name held by a soft-deleted certificate.</li>
 * </ul>
 * Not modelled: access policies (RBAC only), certificate operations of issuers, merge, backup.
 */
public final class FakeKeyVault implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A vault name under Key Vault's public DNS suffix, which the SDK's challenge check requires. */
    public static final String HOST = "certfn-test.vault.azure.net";

    /** One imported version. */
    public record Version(String id, X509Certificate certificate, Map<String, String> tags, String contentType) {
    }

    private final HttpsServer server;
    private final Path trustStore;
    private final Path hostsFile;
    private final String token = "kv-token-" + UUID.randomUUID();
    private final Map<String, List<Version>> certificates = new ConcurrentHashMap<>();
    private final Set<String> softDeleted = ConcurrentHashMap.newKeySet();
    private volatile boolean forbidden;

    private FakeKeyVault() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair key = generator.generateKeyPair();
        X509Certificate tls = selfSigned(key);
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("tls", key.getPrivate(), "changeit".toCharArray(), new X509Certificate[] {tls});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        trustStore = Files.createTempFile("certfn-kv-trust", ".p12");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("kv", tls);
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, "changeit".toCharArray());
        }
        hostsFile = Files.createTempFile("certfn-kv-hosts", ".txt");
        Files.writeString(hostsFile, "127.0.0.1 " + HOST + "\n127.0.0.1 localhost\n127.0.0.1 " + InetAddress.getLocalHost().getHostName() + "\n");
    }

    public static FakeKeyVault start() {
        try {
            return new FakeKeyVault();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Key Vault stand-in", e);
        }
    }

    /** The vault URL a policy names. */
    public String url() {
        return "https://" + HOST + ":" + server.getAddress().getPort();
    }

    /** The token certfn is configured with (certfn.delivery.key-vault.access-token). */
    public String token() {
        return token;
    }

    /** The certfn JVM's flags: the vault's name resolved to 127.0.0.1, its TLS certificate trusted. */
    public List<String> jvmFlags() {
        return List.of("-Djdk.net.hosts.file=" + hostsFile, "-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    /** Every version of {@code name}, oldest first. */
    public List<Version> versions(String name) {
        return List.copyOf(certificates.getOrDefault(name, List.of()));
    }

    /** The names holding certificates. */
    public Set<String> names() {
        return Set.copyOf(certificates.keySet());
    }

    /** Refuse every call as Key Vault refuses an identity without a role on the vault. */
    public void forbid(boolean forbid) {
        forbidden = forbid;
    }

    /** {@code name} is held by a soft-deleted certificate (until recovered or purged). */
    public void softDelete(String name) {
        softDeleted.add(name);
    }

    /** Purges the soft-deleted {@code name}. */
    public void purge(String name) {
        softDeleted.remove(name);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate",
                        "Bearer authorization=\"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47\", resource=\"https://vault.azure.net\"");
                reply(exchange, 401, error("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.", null));
                return;
            }
            if (!auth.equals("Bearer " + token)) {
                reply(exchange, 401, error("Unauthorized", "AKV10022: Invalid audience.", null));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String query = String.valueOf(exchange.getRequestURI().getQuery());
            if (!query.contains("api-version=")) {
                reply(exchange, 400, error("BadParameter", "The 'api-version' query parameter is missing.", null));
                return;
            }
            String[] parts = path.split("/");
            if (forbidden) {
                reply(exchange, 403, error("Forbidden", "Caller is not authorized to perform action on resource.\r\nAction: "
                        + "'Microsoft.KeyVault/vaults/certificates/import/action'\r\nAssignment: (not found)\r\nDecisionReason: "
                        + "'DeniedWithNoValidRBAC'\r\nVault: certfn-test;location=westeurope\r\n", "ForbiddenByRbac"));
                return;
            }
            if (exchange.getRequestMethod().equals("POST") && parts.length == 4 && parts[1].equals("certificates") && parts[3].equals("import")) {
                importCertificate(exchange, parts[2], body);
            } else if (exchange.getRequestMethod().equals("GET") && parts.length >= 3 && parts[1].equals("certificates")) {
                List<Version> versions = certificates.get(parts[2]);
                if (versions == null) {
                    reply(exchange, 404, error("CertificateNotFound", "A certificate with (name/id) " + parts[2]
                            + " was not found in this key vault.", null));
                    return;
                }
                reply(exchange, 200, bundle(parts[2], versions.get(versions.size() - 1)));
            } else {
                reply(exchange, 404, error("NotFound", "no such operation in this stand-in: " + exchange.getRequestMethod() + " " + path, null));
            }
        } catch (RuntimeException e) {
            reply(exchange, 500, error("InternalError", e.toString(), null));
        }
    }

    private void importCertificate(HttpExchange exchange, String name, byte[] body) throws IOException {
        if (!name.matches("[0-9a-zA-Z-]{1,127}")) {
            reply(exchange, 400, error("BadParameter", "The request URI contains an invalid name: " + name, null));
            return;
        }
        if (softDeleted.contains(name)) {
            reply(exchange, 409, error("Conflict", "Certificate " + name + " is currently in a deleted but recoverable state, and its name"
                    + " cannot be reused; in this state, the certificate can only be recovered or purged.", "ObjectIsDeletedButRecoverable"));
            return;
        }
        JsonNode request = JSON.readTree(body);
        X509Certificate leaf;
        try {
            char[] password = request.path("pwd").asText("").toCharArray();
            KeyStore pfx = KeyStore.getInstance("PKCS12");
            pfx.load(new ByteArrayInputStream(Base64.getDecoder().decode(request.path("value").asText())), password);
            String alias = Collections.list(pfx.aliases()).stream().filter(a -> {
                try {
                    return pfx.isKeyEntry(a);
                } catch (Exception e) {
                    return false;
                }
            }).findFirst().orElseThrow(() -> new IllegalArgumentException("no private key"));
            leaf = (X509Certificate) pfx.getCertificate(alias);
            PrivateKey key = (PrivateKey) pfx.getKey(alias, password);
            if (key == null || !leaf.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
                throw new IllegalArgumentException("the key does not belong to the certificate");
            }
        } catch (Exception e) {
            reply(exchange, 400, error("BadParameter", "The specified PEM X.509 certificate content is in an unexpected format. "
                    + "Please check if certificate is in valid PEM format. (" + e.getMessage() + ")", null));
            return;
        }
        Map<String, String> tags = new LinkedHashMap<>();
        request.path("tags").fields().forEachRemaining(f -> tags.put(f.getKey(), f.getValue().asText()));
        String contentType = request.path("policy").path("secret_props").path("contentType").asText("application/x-pkcs12");
        Version version = new Version(url() + "/certificates/" + name + "/" + UUID.randomUUID().toString().replace("-", ""), leaf, tags,
                contentType);
        certificates.computeIfAbsent(name, n -> Collections.synchronizedList(new ArrayList<>())).add(version);
        reply(exchange, 200, bundle(name, version));
    }

    /** The CertificateBundle of Key Vault's reference. */
    private Map<String, Object> bundle(String name, Version version) {
        try {
            String versionId = version.id().substring(version.id().lastIndexOf('/') + 1);
            X509Certificate cert = version.certificate();
            long now = Instant.now().getEpochSecond();
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put("enabled", true);
            attributes.put("nbf", cert.getNotBefore().toInstant().getEpochSecond());
            attributes.put("exp", cert.getNotAfter().toInstant().getEpochSecond());
            attributes.put("created", now);
            attributes.put("updated", now);
            attributes.put("recoveryLevel", "Recoverable+Purgeable");
            attributes.put("recoverableDays", 90);
            Map<String, Object> policy = new LinkedHashMap<>();
            policy.put("id", url() + "/certificates/" + name + "/policy");
            policy.put("key_props", Map.of("exportable", true, "kty", cert.getPublicKey().getAlgorithm().equals("EC") ? "EC" : "RSA",
                    "reuse_key", false));
            policy.put("secret_props", Map.of("contentType", version.contentType()));
            policy.put("x509_props", Map.of("subject", cert.getSubjectX500Principal().getName(), "validity_months", 3));
            policy.put("issuer", Map.of("name", "Unknown"));
            policy.put("attributes", Map.of("enabled", true, "created", now, "updated", now));
            Map<String, Object> bundle = new LinkedHashMap<>();
            bundle.put("id", version.id());
            bundle.put("kid", url() + "/keys/" + name + "/" + versionId);
            bundle.put("sid", url() + "/secrets/" + name + "/" + versionId);
            bundle.put("x5t", Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-1").digest(cert.getEncoded())));
            bundle.put("cer", Base64.getEncoder().encodeToString(cert.getEncoded()));
            bundle.put("attributes", attributes);
            bundle.put("policy", policy);
            bundle.put("tags", version.tags());
            return bundle;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> error(String code, String message, String inner) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (inner != null) {
            error.put("innererror", Map.of("code", inner));
        }
        return Map.of("error", error);
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static X509Certificate selfSigned(KeyPair key) throws Exception {
        X500Principal name = new X500Principal("CN=" + HOST);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(2))), name, key.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, HOST)));
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }

    @Override
    public void close() {
        server.stop(0);
        try {
            Files.deleteIfExists(trustStore);
            Files.deleteIfExists(hostsFile);
        } catch (IOException e) {
            // temp files; the OS cleans up
        }
    }
}
