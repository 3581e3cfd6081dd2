package io.certfn.acme;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code certfn.acme.*}: the ACME CA (or CAs, in order), its account and what is ordered.
 */
@ConfigMapping(prefix = "certfn.acme")
public interface AcmeConfig {
    /** {@code certfn.acme.directory}: the CA's ACME directory URL. Required. */
    String directory();

    /** {@code certfn.acme.email}: contact address for the ACME account. */
    Optional<String> email();

    /**
     * {@code certfn.acme.preferred-chain}: the common name of the root a chain leads to (the
     * issuer of its last certificate, as lego and certmagic match it) to serve when the CA offers
     * alternates, e.g. Let's Encrypt's {@code ISRG Root X2} (its shorter ECDSA chain) or Google
     * Trust Services' {@code GTS Root R1}; the CA's default chain when none leads there.
     */
    @WithName("preferred-chain")
    Optional<String> preferredChain();

    /**
     * {@code certfn.acme.profile}: the ACME profile (e.g. {@code shortlived}) ordered when a
     * request names none; unlike a requested one not part of the certificate's identity, so a
     * change moves each such certificate at its next renewal. Checked against the CA's directory
     * at the first order.
     */
    Optional<String> profile();

    /** {@link #profile()} without surrounding blanks; none when blank. */
    default Optional<String> defaultProfile() {
        return profile().map(String::strip).filter(p -> !p.isEmpty());
    }

    /** {@code certfn.acme.trust-store}: PEM file of extra CA certificates for the CA's HTTPS. */
    @WithName("trust-store")
    Optional<Path> trustStore();

    /** {@code certfn.acme.eab.*}: external account binding, for CAs that require it. */
    Eab eab();

    /** {@code certfn.acme.circuit-breaker.*}: when a CA that keeps failing is asked last. */
    CircuitBreaker circuitBreaker();

    interface CircuitBreaker {
        /**
         * {@code certfn.acme.circuit-breaker.failures}: orders in a row a CA could not serve
         * (unreachable, 5xx) before it is asked after the other CAs for a while; {@code 0} never.
         */
        @WithDefault("3")
        int failures();

        /**
         * {@code certfn.acme.circuit-breaker.open-for}: how long such a CA is asked last (longer when
         * its Retry-After says so); the next order it serves puts it back in its place.
         */
        @WithName("open-for")
        @WithDefault("5m")
        Duration openFor();
    }

    /** {@code certfn.acme.timeout}: the longest wait for one authorization or finalization. */
    @WithDefault("5m")
    Duration timeout();

    interface Eab {
        /** {@code certfn.acme.eab.kid}: the key identifier the CA gave. */
        Optional<String> kid();

        /** {@code certfn.acme.eab.hmac-key}: the base64url MAC key the CA gave. Secret. */
        @WithName("hmac-key")
        Optional<String> hmacKey();

        /**
         * {@code certfn.acme.eab.mac-algorithm}: how the binding is signed: HS256 (what Google
         * Trust Services requires; ZeroSSL takes it too), HS384 or HS512.
         */
        @WithName("mac-algorithm")
        @WithDefault("HS256")
        String macAlgorithm();
    }
}
