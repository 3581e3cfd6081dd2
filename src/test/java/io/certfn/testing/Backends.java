package io.certfn.testing;

import io.certfn.dns.DnsBackend;
import io.certfn.dns.azure.AzureDnsBackend;
import io.certfn.dns.cloudflare.CloudflareBackend;
import io.certfn.dns.gcp.CloudDnsBackend;
import io.certfn.dns.rfc2136.Rfc2136Backend;
import io.certfn.dns.route53.Route53Backend;
import io.certfn.store.StoreBackend;
import io.certfn.store.azure.AzureBlobBackend;
import io.certfn.store.file.FileBackend;
import io.certfn.store.gcs.GcsBackend;
import io.certfn.store.s3.S3Backend;
import java.util.List;

/** Every store and DNS backend, as the default build holds them, for tests that build one without CDI. */
public final class Backends {

    public static final List<StoreBackend> STORES = List.of(new FileBackend(), new S3Backend(), new AzureBlobBackend(), new GcsBackend());

    public static final List<DnsBackend> DNS = List.of(new Rfc2136Backend(), new CloudflareBackend(), new Route53Backend(),
            new AzureDnsBackend(), new CloudDnsBackend());

    private Backends() {
    }
}
