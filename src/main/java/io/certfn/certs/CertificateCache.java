package io.certfn.certs;

import io.certfn.config.CertfnConfig;
import io.certfn.metrics.CertfnMetrics;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates this instance read from or wrote to the store, kept for
 * {@code certfn.store.cache-ttl} so the warm path does not read and parse the store object on
 * every request. Bounded by bytes (half of {@code certfn.store.cache-memory}) and by count: when
 * full, it starts over (a miss only costs one store read), so a fleet larger than the heap is
 * served from a 256 MB function.
 */
@Singleton
public class CertificateCache {

    static final int MAX_ENTRIES = 10_000;
    /** The default of {@code certfn.store.cache-memory} is a quarter of the maximum heap, at most this. */
    static final long MAX_DEFAULT_MEMORY = 64L * 1024 * 1024;

    private record Entry(StoredCertificate certificate, Instant until, long bytes) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final long maxBytes;
    private final Duration ttl;
    private final CertfnMetrics metrics;

    public CertificateCache(CertfnConfig config, CertfnMetrics metrics) {
        this.ttl = config.store().cacheTtl();
        this.maxBytes = halfOfCacheMemory(config);
        this.metrics = metrics;
    }

    /** Half of {@code certfn.store.cache-memory}: this cache's bound, and the rendered answers'. */
    public static long halfOfCacheMemory(CertfnConfig config) {
        long total = config.store().cacheMemory().map(io.quarkus.runtime.configuration.MemorySize::asLongValue)
                .orElse(Math.min(Runtime.getRuntime().maxMemory() / 4, MAX_DEFAULT_MEMORY));
        return total / 2;
    }

    /**
     * What {@code certificate} takes on the heap, near enough to bound the cache: its PEM texts and
     * names (Latin-1 strings, a byte a character) and the objects around them.
     */
    static long sizeOf(StoredCertificate certificate) {
        long size = 1024;
        for (String text : new String[] {certificate.certificate(), certificate.issuerCert(), certificate.privateKey(),
                certificate.orderUrl(), certificate.directory(), certificate.account()}) {
            size += text == null ? 0 : 48 + text.length();
        }
        for (String name : certificate.names()) {
            size += 48 + name.length();
        }
        return size;
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
        long size = sizeOf(certificate);
        if (entries.size() >= MAX_ENTRIES || bytes.get() + size > maxBytes) {
            // Rare and cheap to rebuild: start over rather than track an eviction order on the warm path.
            entries.clear();
            bytes.set(0);
        }
        Entry before = entries.put(id, new Entry(certificate, now.plus(ttl), size));
        bytes.addAndGet(size - (before == null ? 0 : before.bytes()));
    }
}
