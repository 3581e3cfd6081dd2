package io.certfn.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.certfn.certs.StoredCertificate;
import io.quarkus.runtime.ImageMode;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import javax.crypto.Cipher;
import org.jboss.logging.Logger;

/**
 * Loads and initialises, on a thread of its own, the library classes certfn's start-up check and
 * its first request for a stored certificate need (Jackson's binding with java.time, Caffeine, the
 * JDK's X.509, EC, AES-GCM, SHA-256 and SecureRandom), while Quarkus boots on the main thread: a
 * JVM start is one thread loading classes, and a function has a second core. Nothing here is kept
 * or configured; the beans build their own. `make bench` measures the start with it (bench/README).
 * Skipped in a native image, whose classes are initialised at build time; native-check analyses
 * this code all the same, so nothing here may create an object the image heap refuses (dnsjava's
 * {@code Message} would: its header keeps a static {@code SecureRandom}).
 */
final class StartPrimer {

    private static final Logger LOG = Logger.getLogger(StartPrimer.class);

    private StartPrimer() {
    }

    static void startBeside() {
        if (ImageMode.current() == ImageMode.NATIVE_RUN) {
            return;
        }
        Thread thread = new Thread(StartPrimer::prime, "certfn-start-primer");
        thread.setDaemon(true);
        thread.start();
    }

    private static void prime() {
        try {
            ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
            json.writeValueAsString(json.readValue("{\"names\":[\"primer.invalid\"],\"notBefore\":\"2026-01-01T00:00:00Z\"}",
                    StoredCertificate.class));
            Caffeine.newBuilder().maximumSize(1).build().put("primer", "primer");
            new SecureRandom().nextBytes(new byte[16]);
            MessageDigest.getInstance("SHA-256").digest(new byte[1]);
            KeyFactory.getInstance("EC");
            CertificateFactory.getInstance("X.509");
            Cipher.getInstance("AES/GCM/NoPadding");
        } catch (Exception | LinkageError e) {
            // Only a head start is lost: the beans load what they need themselves.
            LOG.debugf("Start primer stopped early: %s", e);
        }
    }
}
