package io.certfn.delivery;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a policy rule's certificates go (docs/design.md §6, {@code deliver}): a managed front's
 * certificate store. {@link #key()} names the target in the delivery record; {@link #resourceName}
 * is the resource a certificate lands in, the same at every renewal, so a listener that references
 * it picks the renewal up.
 */
public sealed interface DeliveryTarget {

    /** {@code acm}, {@code keyVault} or {@code certificateManager}: the policy's word and the metrics' {@code target}. */
    String kind();

    /** The target as the delivery record and the answer's {@code delivery} name it. */
    String key();

    /**
     * The resource name {@code names} (stored as {@code storageId}) get here: the rule's {@code name},
     * else one made from the first name and the storage id (unique per certificate).
     */
    default String resourceName(List<String> names, String storageId) {
        return derivedName(names, storageId);
    }

    /**
     * AWS Certificate Manager in {@code region}. ACM names nothing: the certificate's ARN, made at
     * its first import, is kept in the delivery record and imported onto at every renewal.
     */
    record Acm(String region) implements DeliveryTarget {
        @Override
        public String kind() {
            return "acm";
        }

        @Override
        public String key() {
            return "acm:" + region;
        }
    }

    /** An Azure Key Vault certificate: each delivery is a new version of {@code name}. */
    record KeyVault(URI vault, Optional<String> name) implements DeliveryTarget {
        @Override
        public String kind() {
            return "keyVault";
        }

        @Override
        public String key() {
            return "keyVault:" + vault + "/" + name.orElse("*");
        }

        @Override
        public String resourceName(List<String> names, String storageId) {
            return name.orElseGet(() -> derivedName(names, storageId));
        }
    }

    /** A Google Certificate Manager self-managed certificate, patched in place at each renewal. */
    record CertificateManager(String project, String location, Optional<String> name) implements DeliveryTarget {
        @Override
        public String kind() {
            return "certificateManager";
        }

        @Override
        public String key() {
            return "certificateManager:projects/" + project + "/locations/" + location + "/certificates/" + name.orElse("*");
        }

        @Override
        public String resourceName(List<String> names, String storageId) {
            return name.orElseGet(() -> derivedName(names, storageId));
        }
    }

    /**
     * {@code certfn-<first name>-<the storage id's last 8 hex>} (the id ends in its hash): lower-case letters, digits and
     * hyphens, at most 63 characters — valid for Key Vault (1–127, alphanumerics and hyphens) and
     * Certificate Manager (RFC 1035 label) alike; a wildcard's {@code *} becomes {@code wildcard}.
     */
    static String derivedName(List<String> names, String storageId) {
        String first = names.get(0).toLowerCase(Locale.ROOT).replace("*", "wildcard").replaceAll("[^a-z0-9]+", "-");
        String suffix = "-" + storageId.substring(Math.max(0, storageId.length() - 8));
        String body = "certfn-" + first;
        if (body.length() + suffix.length() > 63) {
            body = body.substring(0, 63 - suffix.length());
        }
        return body.replaceAll("-+$", "") + suffix;
    }
}
