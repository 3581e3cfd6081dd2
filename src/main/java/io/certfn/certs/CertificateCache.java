package io.certfn.certs;

import io.certfn.store.StoreConfig;import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.certfn.metrics.CertfnMetrics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Certificates this instance read from or wrote to the store, kept for
 * {@code certfn.store.cache-ttl} so the warm path does not read and parse the store object on
 * every request. Bounded by bytes (half of {@code certfn.store.cache-memory}) on Caffeine, which
 * weighs each entry and evicts the least useful one at a time: a fleet larger than the heap is
 * served from a 256 MB function, each miss costing one store read.
 */
@Singleton
public class CertificateCache {

    /** The default of {@code certfn.store.cache-memory} is a quarter of the maximum heap, at most this. */
    static final long MAX_DEFAULT_MEMORY = 64L * 1024 * 1024;

    private record Entry(StoredCertificate certificate, Instant until) {
    }

    private final Cache<String, Entry> entries;
    private final Duration ttl;
    private final CertfnMetrics metrics;

    @Inject
    public CertificateCache(StoreConfig config, CertfnMetrics metrics) {
        this(config.cacheTtl(), halfOfCacheMemory(config), metrics);
    }

    CertificateCache(Duration ttl, long maxBytes, CertfnMetrics metrics) {
        this.ttl = ttl;
        this.metrics = metrics;
        // Maintenance on the calling thread: eviction is then done when put returns (and testable), no pool involved.
        this.entries = Caffeine.newBuilder().maximumWeight(maxBytes)
                .weigher((String id, Entry entry) -> (int) Math.min(Integer.MAX_VALUE, sizeOf(entry.certificate())))
                .executor(Runnable::run).build();
    }

    /** Half of {@code certfn.store.cache-memory}: this cache's bound, and the rendered answers'. */
    public static long halfOfCacheMemory(StoreConfig config) {
        long total = config.cacheMemory().map(io.quarkus.runtime.configuration.MemorySize::asLongValue)
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
        Entry entry = entries.getIfPresent(id);
        boolean hit = entry != null && now.isBefore(entry.until());
        metrics.cache(hit);
        return hit ? Optional.of(entry.certificate()) : Optional.empty();
    }

    /** How many certificates are held in memory. */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    /** Forgets every certificate (and its key) held in memory. */
    public void clear() {
        entries.invalidateAll();
    }

    /** Forgets what is cached for {@code id} (it was revoked): the next request reads the store. */
    public void forget(String id) {
        entries.invalidate(id);
        metrics.forgetCertificate(id);
    }

    /** Remembers {@code certificate} as the current one for {@code id}. */
    public void put(String id, StoredCertificate certificate, Instant now) {
        metrics.certificate(id, certificate.names().get(0), certificate.notBefore(), certificate.notAfter(), certificate.renewAfter());
        if (ttl.isZero()) {
            return;
        }
        entries.put(id, new Entry(certificate, now.plus(ttl)));
    }

    /** The bytes the cached certificates weigh now (for tests of the bound). */
    long weight() {
        return entries.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

}
