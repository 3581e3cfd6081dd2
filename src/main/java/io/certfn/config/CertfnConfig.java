package io.certfn.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Every {@code certfn.*} setting. Each key also works as an environment variable
 * ({@code certfn.acme.directory} = {@code CERTFN_ACME_DIRECTORY}). Keys without a default are
 * required where their feature is in use; start-up fails with a message naming the key.
 *
 * <p>Longer than ~250 lines because it is still one mapping for every concern (issue #28 asks for
 * one {@code @ConfigMapping} per owning package, with the same keys; not done yet). Each group is
 * one concern; docs/configuration.md lists every key and DocsTest checks it against this mapping.
 */
@ConfigMapping(prefix = "certfn")
public interface CertfnConfig {

    /** ACME CA settings ({@code certfn.acme.*}). */
    Acme acme();

    /** DNS-01 settings ({@code certfn.dns.*}). */
    Dns dns();

    /** Where certificates, keys, orders and leases live ({@code certfn.store.*}). */
    Store store();

    /** Credentials certfn accepts ({@code certfn.auth.*}). */
    Auth auth();

    /**
     * {@code certfn.policy}: the rules mapping callers to domain patterns, as inline JSON/YAML, a
     * file path, or {@code store:<key>} (accepted only with {@code <key>.hmac} made with the data
     * key). Absent: any authenticated caller may have any name.
     */
    Optional<String> policy();

    /**
     * {@code certfn.policy.reload-interval}: how often a policy from a file or the store is looked
     * at again; a change (authenticated, valid) applies from the next request on, a broken one is
     * logged and the rules in force stay. {@code 0s}: read once at start-up.
     */
    @WithName("policy.reload-interval")
    @WithDefault("60s")
    Duration policyReloadInterval();

    /** Request handling ({@code certfn.request.*}). */
    Request request();

    /** The per-certificate lease ({@code certfn.lease.*}). */
    Lease lease();

    /** When a certificate is due ({@code certfn.renewal.*}). */
    Renewal renewal();

    /** What one caller may make an instance do ({@code certfn.limits.*}). */
    Limits limits();

    /** The audit log ({@code certfn.audit.*}). */
    Audit audit();

    /** The readiness checks ({@code certfn.health.*}). */
    Health health();

    /** What {@code /q/metrics} shows ({@code certfn.metrics.*}). */
    Metrics metrics();

    interface Metrics {
        /**
         * {@code certfn.metrics.certificate-gauges}: at most this many certificates get their own
         * expiry gauges (labels {@code certificate} and {@code name}, one series each); those this
         * instance sees beyond it are counted in {@code certfn_certificates_untracked}.
         */
        @WithName("certificate-gauges")
        @WithDefault("1000")
        int certificateGauges();
    }

    /** {@code certfn.observe.*}: who may read readiness and metrics. */
    Observe observe();

    interface Observe {
        /**
         * {@code certfn.observe.requires-caller}: {@code /q/metrics}, {@code /q/health/ready} and
         * {@code /q/health} answer only a caller whose rule allows {@code observe} (they name every
         * certificate, its expiry and failing renewals, and the store's and CA's errors). On in the
         * cloud builds, off in the local one; {@code /healthz} and {@code /q/health/live} stay open.
         */
        @WithName("requires-caller")
        @WithDefault("false")
        boolean requiresCaller();
    }

    interface Health {
        /**
         * {@code certfn.health.recheck-after}: how long the readiness checks that ask another
         * service (the CA's directory, the DNS provider, the token issuers' keys) reuse their last
         * result: probes come every few seconds, and those services have their own limits.
         */
        @WithName("recheck-after")
        @WithDefault("30s")
        Duration recheckAfter();
    }

    interface Audit {
        /**
         * {@code certfn.audit.served-window}: every answer that carries a private key is counted; the
         * first per caller and certificate in a window is written at once, the repeats as one line
         * with their count when the window ends (a busy fleet asks thousands of times a minute).
         */
        @WithName("served-window")
        @WithDefault("60s")
        Duration servedWindow();
    }

    /**
     * What no caller may use up alone. Orders and waits are counted per instance (they hold its
     * threads); new certificates and revocations are counted in the store, by every instance
     * together, below the CA's own limits (they are the CA account's and the registered domain's).
     */
    interface Limits {
        /** {@code certfn.limits.orders-per-caller}: orders one caller may have running at once on one instance. */
        @WithName("orders-per-caller")
        @WithDefault("10")
        int ordersPerCaller();

        /** {@code certfn.limits.orders}: orders running at once on one instance, all callers together. */
        @WithDefault("50")
        int orders();

        /**
         * {@code certfn.limits.new-certificates-per-hour}: new certificates (orders the CA counts: no
         * {@code replaces}) one caller may order in an hour, all instances together.
         */
        @WithName("new-certificates-per-hour")
        @WithDefault("10")
        int newCertificatesPerHour();

        /**
         * {@code certfn.limits.new-certificates-per-registered-domain}: new certificates per registered
         * domain (Public Suffix List) in 7 days, all callers and instances together; half of Let's
         * Encrypt's 50, so one tenant cannot spend the domain's quota for the others.
         */
        @WithName("new-certificates-per-registered-domain")
        @WithDefault("25")
        int newCertificatesPerRegisteredDomain();

        /**
         * {@code certfn.limits.revocation-cooldown}: one revocation per set of names in this time, all
         * instances together (each is followed by an order the CA counts against its 5 per week
         * for the same names); {@code 0s} turns it off.
         */
        @WithName("revocation-cooldown")
        @WithDefault("48h")
        Duration revocationCooldown();

        /** {@code certfn.limits.waits-per-caller}: requests of one caller waiting for an order (or a lease) at once. */
        @WithName("waits-per-caller")
        @WithDefault("50")
        int waitsPerCaller();
    }

    interface Acme {
        /** {@code certfn.acme.directory}: the CA's ACME directory URL. Required. */
        String directory();

        /** {@code certfn.acme.email}: contact address for the ACME account. */
        Optional<String> email();

        /**
         * {@code certfn.acme.preferred-chain}: the common name of the root (the top issuer) of the
         * chain to serve when the CA offers alternates (e.g. Let's Encrypt's {@code ISRG Root X2},
         * a shorter ECDSA chain); the CA's default chain when it offers none by that issuer.
         */
        @WithName("preferred-chain")
        Optional<String> preferredChain();

        /**
         * {@code certfn.acme.profile}: the ACME profile (e.g. {@code shortlived}) ordered when a
         * request names none; part of the certificate's identity like a requested one. Checked
         * against the CA's directory at the first order.
         */
        Optional<String> profile();

        /** {@code certfn.acme.trust-store}: PEM file of extra CA certificates for the CA's HTTPS. */
        @WithName("trust-store")
        Optional<Path> trustStore();

        /** {@code certfn.acme.eab.*}: external account binding, for CAs that require it. */
        Eab eab();

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

    interface Dns {
        /** {@code certfn.dns.provider}: the DNS API that publishes challenge records. */
        @WithDefault("rfc2136")
        String provider();

        /** {@code certfn.dns.propagation-timeout}: longest wait until the zone's servers answer. */
        @WithName("propagation-timeout")
        @WithDefault("2m")
        Duration propagationTimeout();

        /**
         * {@code certfn.dns.propagation-wait}: extra wait after the record is visible, for
         * secondaries that the authoritative check cannot see.
         */
        @WithName("propagation-wait")
        @WithDefault("0s")
        Duration propagationWait();

        /**
         * {@code certfn.dns.resolver}: {@code host[:port]} of the recursive resolver used to find
         * a name's zone, the zone's name servers and CNAMEs; default: the system's resolvers.
         */
        Optional<String> resolver();

        /**
         * {@code certfn.dns.ip-version}: which addresses of the zone's name servers the
         * propagation check asks: {@code auto} (all; a server counts as answering when one of its
         * addresses does, an unreachable family is skipped with one warning), {@code 4} (IPv4
         * only, for IPv4-only egress where IPv6 packets are dropped silently rather than refused)
         * or {@code 6}.
         */
        @WithName("ip-version")
        @WithDefault("auto")
        String ipVersion();

        /**
         * {@code certfn.dns.delegation-zones}: zones a challenge name's CNAME may point into (e.g. an
         * acme-dns zone whose names do not start with {@code _acme-challenge}); CNAME targets elsewhere
         * must be {@code _acme-challenge.*} names. Comma separated; none by default.
         */
        @WithName("delegation-zones")
        Optional<java.util.List<String>> delegationZones();

        /** {@code certfn.dns.nameserver-port}: the port the zone's name servers are asked on (tests use another). */
        @WithName("nameserver-port")
        @WithDefault("53")
        int nameserverPort();

        /** {@code certfn.dns.rfc2136.*}: dynamic updates (RFC 2136) signed with TSIG. */
        Rfc2136 rfc2136();

        /** {@code certfn.dns.route53.*}: Amazon Route 53 with the function's role. */
        Route53 route53();

        /** {@code certfn.dns.azure.*}: Azure DNS through ARM with the managed identity. */
        AzureDns azure();

        /** {@code certfn.dns.gcp.*}: Google Cloud DNS with the service account. */
        Gcp gcp();

        /** {@code certfn.dns.cloudflare.*}: Cloudflare with an API token. */
        Cloudflare cloudflare();

        /** {@code certfn.dns.ttl}: TTL of challenge records at the cloud providers. */
        @WithDefault("60s")
        Duration ttl();

        interface Route53 {
            /** {@code certfn.dns.route53.hosted-zone-id}: skip the zone lookup (e.g. {@code Z123...}). */
            @WithName("hosted-zone-id")
            Optional<String> hostedZoneId();

            /** {@code certfn.dns.route53.endpoint}: another Route 53 endpoint (tests). */
            Optional<String> endpoint();
        }

        interface AzureDns {
            /** {@code certfn.dns.azure.subscription-id}: required with {@code provider=azure}. */
            @WithName("subscription-id")
            Optional<String> subscriptionId();

            /** {@code certfn.dns.azure.resource-group}: required with {@code provider=azure}. */
            @WithName("resource-group")
            Optional<String> resourceGroup();

            /** {@code certfn.dns.azure.zone}: the zone name; default: the longest match among the group's zones. */
            Optional<String> zone();

            /** {@code certfn.dns.azure.endpoint}: the ARM endpoint. */
            @WithDefault("https://management.azure.com")
            String endpoint();

            /** {@code certfn.dns.azure.access-token}: a fixed ARM token instead of the managed identity (tests). Secret. */
            @WithName("access-token")
            Optional<String> accessToken();
        }

        interface Gcp {
            /** {@code certfn.dns.gcp.project}: required with {@code provider=gcp}. */
            Optional<String> project();

            /** {@code certfn.dns.gcp.managed-zone}: the zone's resource name; default: the longest match. */
            @WithName("managed-zone")
            Optional<String> managedZone();

            /** {@code certfn.dns.gcp.endpoint}: the Cloud DNS API root. */
            @WithDefault("https://dns.googleapis.com")
            String endpoint();

            /** {@code certfn.dns.gcp.access-token}: a fixed OAuth token instead of the service account (tests). Secret. */
            @WithName("access-token")
            Optional<String> accessToken();
        }

        interface Cloudflare {
            /** {@code certfn.dns.cloudflare.api-token}: a token with Zone.DNS:Edit (and Zone:Read for the lookup). Secret. */
            @WithName("api-token")
            Optional<String> apiToken();

            /** {@code certfn.dns.cloudflare.zone-id}: skip the zone lookup. */
            @WithName("zone-id")
            Optional<String> zoneId();

            /** {@code certfn.dns.cloudflare.endpoint}: the API root. */
            @WithDefault("https://api.cloudflare.com/client/v4")
            String endpoint();
        }

        interface Rfc2136 {
            /** {@code certfn.dns.rfc2136.server}: {@code host[:port]} of the primary server. */
            Optional<String> server();

            /** {@code certfn.dns.rfc2136.zone}: the zone to update; found by SOA lookup if absent. */
            Optional<String> zone();

            /** {@code certfn.dns.rfc2136.tsig-key-name}: the TSIG key's name. */
            @WithName("tsig-key-name")
            Optional<String> tsigKeyName();

            /** {@code certfn.dns.rfc2136.tsig-secret}: the TSIG secret, base64. Secret. */
            @WithName("tsig-secret")
            Optional<String> tsigSecret();

            /** {@code certfn.dns.rfc2136.tsig-algorithm}: e.g. {@code hmac-sha256}. */
            @WithName("tsig-algorithm")
            @WithDefault("hmac-sha256")
            String tsigAlgorithm();

            /** {@code certfn.dns.rfc2136.ttl}: TTL of the challenge record. */
            @WithDefault("60s")
            Duration ttl();
        }
    }

    interface Store {
        /** {@code certfn.store.type}: {@code file}, {@code s3}, {@code azure-blob} or {@code gcs}. */
        @WithDefault("file")
        String type();

        /** {@code certfn.store.file.*}: the local folder backend. */
        File file();

        /** {@code certfn.store.s3.*}: Amazon S3 or an S3-compatible server. */
        S3 s3();

        /** {@code certfn.store.azure.*}: Azure Blob Storage. */
        Azure azure();

        /** {@code certfn.store.gcs.*}: Google Cloud Storage. */
        Gcs gcs();

        /**
         * {@code certfn.store.timeout}: the most one store call may take, retries included;
         * after it the request fails with 503 {@code storage_unavailable}.
         */
        @WithDefault("15s")
        Duration timeout();

        /**
         * {@code certfn.store.encryption-key}: base64 of 32 random bytes; when set, private keys
         * are sealed with AES-256-GCM before they are stored. Secret.
         */
        @WithName("encryption-key")
        Optional<String> encryptionKey();

        /**
         * {@code certfn.store.encryption-key-previous}: the key being rotated out; objects sealed
         * with it stay readable, new ones are sealed with {@code encryption-key}. Secret.
         */
        @WithName("encryption-key-previous")
        Optional<String> encryptionKeyPrevious();

        /**
         * {@code certfn.store.cache-ttl}: how long an instance serves a certificate it read from
         * the store without reading again ({@code 0s}: always read). Another instance's renewal
         * is seen at most this late; the certificate served meanwhile is still valid.
         */
        @WithName("cache-ttl")
        @WithDefault("10s")
        Duration cacheTtl();

        /**
         * {@code certfn.store.cache-memory}: the heap an instance gives to certificates it keeps in
         * memory, half to stored certificates it read, half to rendered answers (e.g. {@code 24M});
         * a half that fills up starts over. Default: a quarter of the JVM's maximum heap, at most
         * 64 MB — 24 MB in a 256 MB function at {@code -Xmx96m}.
         */
        @WithName("cache-memory")
        Optional<io.quarkus.runtime.configuration.MemorySize> cacheMemory();

        interface File {
            /** {@code certfn.store.file.path}: the folder; shared folders make one cluster. */
            @WithDefault("./.certfn")
            Path path();
        }

        interface S3 {
            /** {@code certfn.store.s3.bucket}: required with {@code type=s3}. */
            Optional<String> bucket();

            /** {@code certfn.store.s3.region}: default: the SDK's region chain ({@code AWS_REGION} on Lambda). */
            Optional<String> region();

            /** {@code certfn.store.s3.endpoint}: for S3-compatible servers (path-style addressing). */
            Optional<String> endpoint();

            /** {@code certfn.store.s3.prefix}: a folder inside the bucket for all of certfn's objects. */
            Optional<String> prefix();
        }

        interface Azure {
            /** {@code certfn.store.azure.container}: required with {@code type=azure-blob}. */
            Optional<String> container();

            /**
             * {@code certfn.store.azure.endpoint}: {@code https://<account>.blob.core.windows.net};
             * credentials from the managed identity (DefaultAzureCredential).
             */
            Optional<String> endpoint();

            /** {@code certfn.store.azure.connection-string}: account key auth, for local testing (Azurite). Secret. */
            @WithName("connection-string")
            Optional<String> connectionString();

            /** {@code certfn.store.azure.prefix}: a folder inside the container. */
            Optional<String> prefix();
        }

        interface Gcs {
            /** {@code certfn.store.gcs.bucket}: required with {@code type=gcs}. */
            Optional<String> bucket();

            /** {@code certfn.store.gcs.host}: a local JSON-API server instead of Google (tests; no credentials then). */
            Optional<String> host();

            /** {@code certfn.store.gcs.prefix}: a folder inside the bucket. */
            Optional<String> prefix();
        }
    }

    interface Auth {
        /**
         * {@code certfn.auth.api-keys}: {@code name=key} pairs, comma separated; a key may be
         * given as {@code sha256:<hex>} of the key. Names are what the policy matches. Secret.
         */
        @WithName("api-keys")
        Optional<String> apiKeys();

        /** {@code certfn.auth.clock-skew}: tolerance for token {@code exp}/{@code nbf}/{@code iat}. */
        @WithName("clock-skew")
        @WithDefault("60s")
        Duration clockSkew();

        /** {@code certfn.auth.jwks.*}: how signing keys of token issuers are fetched and cached. */
        Jwks jwks();

        /** {@code certfn.auth.google.*}: Google ID tokens (metadata server {@code identity?audience=}). */
        Google google();

        /** {@code certfn.auth.azure.*}: Azure managed-identity tokens (v1 and v2 issuers). */
        Azure azure();

        /** {@code certfn.auth.aws.*}: AWS STS web-identity tokens ({@code sts:GetWebIdentityToken}). */
        Aws aws();

        /** {@code certfn.auth.oidc.*}: any OIDC issuer (Auth0, Okta, Keycloak, EKS, GitHub Actions). */
        Oidc oidc();

        interface Jwks {
            /** {@code certfn.auth.jwks.cache-duration}: how long fetched keys are used before a refresh. */
            @WithName("cache-duration")
            @WithDefault("10m")
            Duration cacheDuration();

            /**
             * {@code certfn.auth.jwks.min-refresh-interval}: the floor between refreshes caused by
             * unknown {@code kid}s, so forged kids cannot make certfn hammer an issuer.
             */
            @WithName("min-refresh-interval")
            @WithDefault("30s")
            Duration minRefreshInterval();

            /** {@code certfn.auth.jwks.timeout}: connect and read timeout of discovery and JWKS requests. */
            @WithDefault("5s")
            Duration timeout();

            /**
             * {@code certfn.auth.jwks.max-age}: how long keys fetched from an issuer keep verifying
             * tokens while every refresh fails (an outage); after that its tokens are refused with
             * {@code unknown_key}, so a key the issuer withdrew does not stay valid forever.
             */
            @WithName("max-age")
            @WithDefault("24h")
            Duration maxAge();
        }

        interface Google {
            /** {@code certfn.auth.google.audience}: enables Google ID tokens for these audiences (comma separated). */
            Optional<String> audience();

            /** {@code certfn.auth.google.jwks-url}: override of Google's JWKS location. */
            @WithName("jwks-url")
            Optional<String> jwksUrl();
        }

        interface Azure {
            /** {@code certfn.auth.azure.tenant-id}: the Entra tenant whose managed identities are accepted. */
            @WithName("tenant-id")
            Optional<String> tenantId();

            /** {@code certfn.auth.azure.audience}: accepted audiences (App ID URI and/or client id), comma separated. */
            Optional<String> audience();

            /** {@code certfn.auth.azure.jwks-url}: override of the tenant's JWKS location. */
            @WithName("jwks-url")
            Optional<String> jwksUrl();
        }

        interface Aws {
            /** {@code certfn.auth.aws.issuer}: the account's issuer, {@code https://<id>.tokens.sts.global.api.aws}. */
            Optional<String> issuer();

            /** {@code certfn.auth.aws.audience}: accepted audiences, comma separated. */
            Optional<String> audience();

            /** {@code certfn.auth.aws.jwks-url}: override of the JWKS location (else OIDC discovery). */
            @WithName("jwks-url")
            Optional<String> jwksUrl();
        }

        interface Oidc {
            /** {@code certfn.auth.oidc.issuer}: the issuer URL, exactly as in the tokens' {@code iss}. */
            Optional<String> issuer();

            /** {@code certfn.auth.oidc.audience}: accepted audiences, comma separated. */
            Optional<String> audience();

            /** {@code certfn.auth.oidc.required-scopes}: scopes every token must carry, space or comma separated. */
            @WithName("required-scopes")
            Optional<String> requiredScopes();

            /** {@code certfn.auth.oidc.domains-claim}: a claim listing the domain patterns the token grants. */
            @WithName("domains-claim")
            Optional<String> domainsClaim();

            /** {@code certfn.auth.oidc.jwks-url}: override of the JWKS location (else OIDC discovery). */
            @WithName("jwks-url")
            Optional<String> jwksUrl();
        }
    }

    interface Request {
        /** {@code certfn.request.wait}: how long a request waits for a new certificate. */
        @WithName("wait")
        @WithDefault("90s")
        Duration waitBudget();

        /** {@code certfn.request.max-wait}: the most a client may ask for with {@code Prefer: wait}. */
        @WithName("max-wait")
        @WithDefault("200s")
        Duration maxWait();

        /** {@code certfn.request.retry-after}: the {@code Retry-After} of a 202 answer. */
        @WithName("retry-after")
        @WithDefault("5s")
        Duration retryAfter();
    }

    interface Lease {
        /** {@code certfn.lease.duration}: how long a lease lives unless its holder renews it. */
        @WithDefault("60s")
        Duration duration();

        /** {@code certfn.lease.max-wait}: how long an instance waits for another's lease. */
        @WithName("max-wait")
        @WithDefault("10m")
        Duration maxWait();
    }

    /**
     * {@code certfn.platform.*}: identities the platform in front of certfn has verified. Off by
     * default: elsewhere anyone can send the same request fields.
     */
    Platform platform();

    interface Platform {
        /** {@code certfn.platform.aws.*}: the Lambda Function URL. */
        Aws aws();

        /** {@code certfn.platform.azure.*}: Azure App Service / Functions authentication. */
        Azure azure();

        interface Aws {
            /**
             * {@code certfn.platform.aws.function-url-auth}: the Function URL's AuthType, {@code NONE}
             * or {@code AWS_IAM}; with {@code AWS_IAM} the caller's IAM identity from the event is the
             * caller (Lambda build only).
             */
            @WithName("function-url-auth")
            @WithDefault("NONE")
            String functionUrlAuth();

            /**
             * {@code certfn.platform.aws.trust-direct-invokers}: with {@code AWS_IAM}, let the event's
             * IAM identity receive certificates and keys. Lambda cannot tell a Function URL request
             * from a direct invocation, so this trusts every principal allowed {@code
             * lambda:InvokeFunction} on the function (and every EventBridge schedule that can pass a
             * role to it) to name any role. Off: such identities may only run renewals.
             */
            @WithName("trust-direct-invokers")
            @WithDefault("false")
            boolean trustDirectInvokers();
        }

        interface Azure {
            /**
             * {@code certfn.platform.azure.app-service-auth}: trust {@code X-MS-CLIENT-PRINCIPAL} from
             * App Service authentication (honoured only when running on Azure).
             */
            @WithName("app-service-auth")
            @WithDefault("false")
            boolean appServiceAuth();
        }
    }

    interface Renewal {
        /**
         * {@code certfn.renewal.remaining-share}: renew when this share of the lifetime remains
         * (when the CA gives no ARI window). Default one third.
         */
        @WithName("remaining-share")
        @WithDefault("0.3333")
        double remainingShare();

        /**
         * {@code certfn.renewal.emergency-share}: always due when this share of the lifetime
         * remains, whatever the CA's window says.
         */
        @WithName("emergency-share")
        @WithDefault("0.1")
        double emergencyShare();

        /**
         * {@code certfn.renewal.sweep-budget}: how long one {@code POST /api/renewals} may work;
         * what is left is reported as deferred for the next run. Below the platform's limit
         * (Azure's front end cuts at 230 s).
         */
        @WithName("sweep-budget")
        @WithDefault("200s")
        Duration sweepBudget();

        /**
         * {@code certfn.renewal.failure-backoff}: after an order for a certificate failed (the CA
         * refused or could not validate, the DNS provider failed), no instance orders it again for
         * this long; each further failure doubles the wait, up to 6 hours. Keeps a broken name
         * under the CA's limits (Let's Encrypt: 5 failed validations per name per hour).
         */
        @WithName("failure-backoff")
        @WithDefault("15m")
        Duration failureBackoff();

        /**
         * {@code certfn.renewal.sweep-interval}: how often one caller may run {@code POST
         * /api/renewals} on one instance; sooner is {@code 429 renew_too_soon}. A sweep reads and
         * opens every stored certificate, so it must not be a tool for wearing the server down.
         */
        @WithName("sweep-interval")
        @WithDefault("60s")
        Duration sweepInterval();

        /**
         * {@code certfn.renewal.reuse-key}: a renewal keeps the certificate's key (for SPKI
         * pinning and DANE 3 1 1, and le-cert-server's behaviour) instead of a new one; never
         * after a {@code keyCompromise} revocation.
         */
        @WithName("reuse-key")
        @WithDefault("false")
        boolean reuseKey();

        /**
         * {@code certfn.renewal.check-interval}: how often the scheduler runs the renewal sweep
         * (the deploy templates: every 12 hours). Within a CA's renewal window the due time is
         * picked so that a sweep still falls inside the window (RFC 9773 §4.2).
         */
        @WithName("check-interval")
        @WithDefault("12h")
        Duration checkInterval();
    }
}
