package io.certfn.api;

import io.certfn.store.StoreConfig;import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.certfn.certs.CertificateCache;
import io.certfn.certs.CertificateSpec;
import io.certfn.certs.Outcome;
import jakarta.inject.Singleton;

/**
 * Rendered answers for stored certificates: the warm path then only looks up bytes. Bounded by
 * bytes (half of {@code certfn.store.cache-memory}) on Caffeine, not entries: one 100-name RSA-4096
 * answer is ~36 KB, and each order of the same names is another entry.
 */
@Singleton
public class RenderedAnswers {

    private final Cache<String, byte[]> rendered;
    private final ObjectMapper json;

    public RenderedAnswers(StoreConfig config, ObjectMapper json) {
        this.json = json;
        // Maintenance on the calling thread: the bound holds when put returns.
        this.rendered = Caffeine.newBuilder().maximumWeight(CertificateCache.halfOfCacheMemory(config))
                .weigher((String key, byte[] bytes) -> bytes.length + 2 * key.length()).executor(Runnable::run).build();
    }

    /** The JSON answer for {@code ready}, with the names in the order {@code spec} asked for them. */
    byte[] of(Outcome.Ready ready, CertificateSpec spec) {
        return of(ready, spec, java.util.List.of());
    }

    /** The same, naming where the certificate was delivered. */
    byte[] of(Outcome.Ready ready, CertificateSpec spec, java.util.List<io.certfn.certs.DeliveryStatus> delivery) {
        // renewAfter too: the CA's renewal info moves it during the certificate's life; delivery moves from pending.
        String key = spec.storageId() + "|" + ready.certificate().serial() + "|" + ready.certificate().renewAfter() + "|"
                + ready.cached() + "|" + String.join(",", spec.names()) + (delivery.isEmpty() ? "" : "|" + delivery);
        // Rendered once when the requests a new certificate kept waiting are answered together.
        return rendered.get(key, k -> {
            try {
                return json.writeValueAsBytes(CertificateResponse.of(ready.certificate(), spec.names(), ready.cached(), delivery));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot render the certificate response", e);
            }
        });
    }

    /** Forgets every rendered answer (they carry private keys). */
    public void clear() {
        rendered.invalidateAll();
    }

    /** The bytes held now (keys counted twice: a Java string's chars). */
    public long weight() {
        return rendered.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    /** Changes the bound (tests lower it). */
    void setMaximum(long bytes) {
        rendered.policy().eviction().ifPresent(e -> e.setMaximum(bytes));
    }

    /** The bound in force. */
    long maximum() {
        return rendered.policy().eviction().map(e -> e.getMaximum()).orElse(0L);
    }
}
