package io.certfn.dns;


/**
 * One DNS API, named by {@code certfn.dns.provider}. Each cloud's provider is a bean only in the
 * builds that hold that cloud's SDK ({@code certfn-build.aws|azure|gcp}).
 */
public interface DnsBackend {

    /** The {@code certfn.dns.provider} value that selects this API. */
    String name();

    /**
     * Builds the provider from its settings.
     *
     * @throws IllegalStateException naming a missing or malformed setting
     */
    DnsProvider create(DnsConfig config);
}
