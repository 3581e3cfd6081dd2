package io.certfn.testing.dnsapi;

import io.certfn.dns.DnsConfig;import java.util.List;
import java.util.Map;

/** A DNS provider's API for tests: a local server the provider class talks to, and a view of the records it holds. */
public interface DnsApiServer extends AutoCloseable {

    /** Creates a zone with apex {@code name}. */
    void addZone(String name);

    /** The TXT values held at {@code fqdn} (no trailing dot), in any zone. */
    List<String> txt(String fqdn);

    /** The {@code certfn.dns.*} settings for this server, with {@code token} as the credential where there is one. */
    Map<String, String> certfnConfig(String token);

    /**
     * The credential the server accepts; any other given to {@link #certfnConfig} is refused as
     * the provider refuses unknown credentials. Every server also refuses a change based on a
     * stale read (ETag, exact-match delete), as the real API does.
     */
    String token();

    /** Answers the next {@code times} requests with {@code status} (429 with {@code Retry-After: 0}). */
    void failNext(int status, int times);

    /** The DNS settings the provider reads. */
    default DnsConfig dnsConfig(String token) {
        return io.certfn.testing.TestConfig.of(DnsConfig.class, certfnConfig(token));
    }

    @Override
    void close();
}
