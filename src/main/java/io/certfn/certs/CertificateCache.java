package io.certfn.certs;

import io.certfn.config.CertfnConfig;
import io.certfn.metrics.CertfnMetrics;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Certificates this instance read from or wrote to the store, kept for
 * {@code certfn.store.cache-ttl} so the warm path does not read and parse the store object on
 * every request. Bounded: when full, it starts over (a miss only costs one store read).
 */
@Singleton
public class CertificateCache {

    static final int MAX_ENTRIES = 10_000;

    private record Entry(StoredCertificate certificate, Instant until) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final CertfnMetrics metrics;

    public CertificateCache(CertfnConfig config, CertfnMetrics metrics) {
        this.ttl = config.store().cacheTtl();
        this.metrics = metrics;
    }

    /** The certificate cached for {@code id}, if it is younger than the TTL at {@code now}. */
    public Optional<StoredCertificate> get(String id, Instant now) {
        Entry entry = entries.get(id);
        boolean hit = entry != null && now.isBefore(entry.until());
        metrics.cache(hit);
        return hit ? Optional.of(entry.certificate()) : Optional.empty();
    }

    /** Forgets what is cached for {@code id} (it was revoked): the next request reads the store. */
    public void forget(String id) {
        entries.remove(id);
        metrics.forgetCertificate(id);
    }

    /** Remembers {@code certificate} as the current one for {@code id}. */
    public void put(String id, StoredCertificate certificate, Instant now) {
        metrics.certificate(id, certificate.names().get(0), certificate.notAfter(), certificate.renewAfter());
        if (ttl.isZero()) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(id, new Entry(certificate, now.plus(ttl)));
    }
}
