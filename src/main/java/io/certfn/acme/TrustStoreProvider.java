package io.certfn.acme;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * acme4j's generic provider with extra trusted CA certificates for the CA's HTTPS
 * ({@code certfn.acme.trust-store}), e.g. a Pebble started with its own listener certificate.
 * The JDK's default roots stay trusted.
 */
final class TrustStoreProvider extends GenericAcmeProvider {

    private final Path pemFile;
    private volatile SSLContext sslContext;

    /** Checks that {@code pemFile} holds certificates; the SSL context is built at first use (start-up stays fast). */
    TrustStoreProvider(Path pemFile) {
        this.pemFile = pemFile;
        readCertificates(pemFile);
    }

    private SSLContext sslContext() {
        SSLContext context = sslContext;
        if (context == null) {
            synchronized (this) {
                if (sslContext == null) {
                    sslContext = sslContext(pemFile);
                }
                context = sslContext;
            }
        }
        return context;
    }

    @Override
    public HttpClient createHttpClient(NetworkSettings settings) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(settings.getTimeout())
                .proxy(settings.getProxySelector())
                .sslContext(sslContext());
        if (settings.getAuthenticator() != null) {
            builder.authenticator(settings.getAuthenticator());
        }
        return builder.build();
    }

    private static java.util.Collection<? extends Certificate> readCertificates(Path pemFile) {
        try (InputStream in = Files.newInputStream(pemFile)) {
            var certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalStateException("certfn.acme.trust-store '" + pemFile + "' holds no PEM certificate");
            }
            return certs;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("certfn.acme.trust-store '" + pemFile + "' cannot be used: " + e.getMessage(), e);
        }
    }

    private static SSLContext sslContext(Path pemFile) {
        try {
            KeyStore keystore = KeyStore.getInstance(KeyStore.getDefaultType());
            keystore.load(null, null);
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int n = 0;
            for (var tm : defaults.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    for (X509Certificate root : x509.getAcceptedIssuers()) {
                        keystore.setCertificateEntry("default-" + n++, root);
                    }
                }
            }
            for (Certificate cert : readCertificates(pemFile)) {
                keystore.setCertificateEntry("extra-" + n++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(keystore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("certfn.acme.trust-store '" + pemFile + "' cannot be used: " + e.getMessage(), e);
        }
    }
}
