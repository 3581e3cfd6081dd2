package io.certfn.acme;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.connector.Connection;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.provider.AcmeProvider;
import org.shredzone.acme4j.toolbox.JSON;
import org.shredzone.acme4j.toolbox.JSONBuilder;

/**
 * The CA's provider (Let's Encrypt's, the generic one, ...) with one addition: an error answer's
 * {@code Retry-After} is kept ({@link CaRetryAfterException}). acme4j 4.0 keeps it only for
 * {@code rateLimited}, while RFC 8555 §6.6 and the CAs send it with a 503 during maintenance too,
 * and a client that retries sooner is only refused again. Hand-written because no acme4j hook
 * exposes the headers of a failed answer; everything else is the wrapped provider's.
 */
final class RetryAfterProvider implements AcmeProvider {

    private final AcmeProvider provider;

    RetryAfterProvider(AcmeProvider provider) {
        this.provider = provider;
    }

    @Override
    public boolean accepts(URI serverUri) {
        return provider.accepts(serverUri);
    }

    @Override
    public URL resolve(URI serverUri) {
        return provider.resolve(serverUri);
    }

    @Override
    public HttpClient createHttpClient(NetworkSettings settings) {
        return provider.createHttpClient(settings);
    }

    @Override
    public Connection connect(URI serverUri, NetworkSettings settings, HttpClient client) {
        return new RetryAfterConnection(provider.connect(serverUri, settings, client));
    }

    @Override
    public JSON directory(Session session, URI serverUri) throws AcmeException {
        return provider.directory(session, serverUri);
    }

    @Override
    public Challenge createChallenge(Login login, JSON data) {
        return provider.createChallenge(login, data);
    }

    @Override
    public Optional<String> getProposedEabMacAlgorithm() {
        return provider.getProposedEabMacAlgorithm();
    }

    /** The wrapped connection; only its failures change. */
    private record RetryAfterConnection(Connection connection) implements Connection {

        /** One request; its error answer with the answer's Retry-After, if it had one. */
        private interface Send {
            int run() throws AcmeException;
        }

        private int send(Send request) throws AcmeException {
            try {
                return request.run();
            } catch (AcmeRateLimitedException | CaRetryAfterException e) {
                throw e;
            } catch (AcmeServerException e) {
                Optional<java.time.Instant> retryAfter;
                try {
                    retryAfter = connection.getRetryAfter();
                } catch (RuntimeException unreadable) {
                    retryAfter = Optional.empty();
                }
                if (retryAfter.isPresent()) {
                    throw new CaRetryAfterException(e, retryAfter.get());
                }
                throw e;
            }
        }

        @Override
        public void resetNonce(Session session) throws AcmeException {
            connection.resetNonce(session);
        }

        @Override
        public int sendRequest(URL url, Session session, ZonedDateTime ifModifiedSince) throws AcmeException {
            return send(() -> connection.sendRequest(url, session, ifModifiedSince));
        }

        @Override
        public int sendCertificateRequest(URL url, Login login) throws AcmeException {
            return send(() -> connection.sendCertificateRequest(url, login));
        }

        @Override
        public int sendSignedPostAsGetRequest(URL url, Login login) throws AcmeException {
            return send(() -> connection.sendSignedPostAsGetRequest(url, login));
        }

        @Override
        public int sendSignedRequest(URL url, JSONBuilder claims, Login login) throws AcmeException {
            return send(() -> connection.sendSignedRequest(url, claims, login));
        }

        @Override
        public int sendSignedRequest(URL url, JSONBuilder claims, Session session, KeyPair keypair) throws AcmeException {
            return send(() -> connection.sendSignedRequest(url, claims, session, keypair));
        }

        @Override
        public JSON readJsonResponse() throws AcmeException {
            return connection.readJsonResponse();
        }

        @Override
        public List<X509Certificate> readCertificates() throws AcmeException {
            return connection.readCertificates();
        }

        @Override
        public Optional<java.time.Instant> getRetryAfter() {
            return connection.getRetryAfter();
        }

        @Override
        public Optional<String> getNonce() {
            return connection.getNonce();
        }

        @Override
        public URL getLocation() {
            return connection.getLocation();
        }

        @Override
        public Optional<ZonedDateTime> getLastModified() {
            return connection.getLastModified();
        }

        @Override
        public Optional<ZonedDateTime> getExpiration() {
            return connection.getExpiration();
        }

        @Override
        public Collection<URL> getLinks(String relation) {
            return connection.getLinks(relation);
        }

        @Override
        public void close() {
            connection.close();
        }
    }
}
