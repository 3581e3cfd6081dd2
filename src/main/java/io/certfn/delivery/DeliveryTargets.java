package io.certfn.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a policy rule's {@code deliver} list: {@code [{acm: {region}}, {keyVault: {vault, name}},
 * {certificateManager: {project, location, name}}]}. Each mistake names the rule and the entry, so a
 * start-up error says what to fix; the names are checked against each cloud's own rules so a
 * mistake is found at start-up, not at the first renewal.
 */
public final class DeliveryTargets {

    /** The kinds a rule may name, with the fields each takes (for messages). */
    public static final Map<String, String> KINDS = Map.of(
            "acm", "{acm: {region: eu-west-1}}",
            "keyVault", "{keyVault: {vault: https://<name>.vault.azure.net, name: <certificate name>}}",
            "certificateManager", "{certificateManager: {project: <project id>, location: global, name: <certificate id>}}");

    private static final Pattern AWS_REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    /** Key Vault object names: 1–127 alphanumerics and hyphens (Key Vault's naming rules). */
    private static final Pattern VAULT_OBJECT = Pattern.compile("[0-9a-zA-Z-]{1,127}");
    /** Certificate Manager resource ids and locations: RFC 1035 labels. */
    private static final Pattern RFC1035 = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    /** Project ids: 6–30 lower-case letters, digits and hyphens (optionally domain-scoped, {@code example.com:p}). */
    private static final Pattern PROJECT = Pattern.compile("([a-z0-9.-]+:)?[a-z][-a-z0-9]{4,28}[a-z0-9]");

    private DeliveryTargets() {
    }

    /**
     * The targets of {@code node} (absent or null: none).
     *
     * @param where the rule, for messages ("policy from X, rule 'web'")
     * @throws IllegalArgumentException naming the rule, the entry and the problem
     */
    public static List<DeliveryTarget> parse(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(where + ": 'deliver' must be a list of targets such as " + String.join(", ", KINDS.values()));
        }
        List<DeliveryTarget> targets = new ArrayList<>();
        Map<String, DeliveryTarget> seen = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode entry : node) {
            index++;
            String at = where + ", deliver entry " + index;
            if (!entry.isObject() || entry.size() != 1) {
                throw new IllegalArgumentException(at + " must be a map with one key, the target's kind: one of " + String.join(", ", KINDS.values()));
            }
            Map.Entry<String, JsonNode> only = entry.fields().next();
            DeliveryTarget target = switch (only.getKey()) {
                case "acm" -> acm(only.getValue(), at);
                case "keyVault" -> keyVault(only.getValue(), at);
                case "certificateManager" -> certificateManager(only.getValue(), at);
                default -> throw new IllegalArgumentException(at + ": unknown target '" + only.getKey() + "'; use one of "
                        + String.join(", ", KINDS.values()));
            };
            if (seen.putIfAbsent(target.key(), target) != null) {
                throw new IllegalArgumentException(at + " repeats " + target.key());
            }
            targets.add(target);
        }
        return List.copyOf(targets);
    }

    private static DeliveryTarget acm(JsonNode fields, String at) {
        onlyFields(fields, at, "acm", Set.of("region"));
        String region = required(fields, "region", at, "acm");
        if (!AWS_REGION.matcher(region).matches()) {
            throw new IllegalArgumentException(at + ": acm region '" + region + "' is not an AWS region name such as eu-west-1");
        }
        return new DeliveryTarget.Acm(region);
    }

    private static DeliveryTarget keyVault(JsonNode fields, String at) {
        onlyFields(fields, at, "keyVault", Set.of("vault", "name"));
        String vault = required(fields, "vault", at, "keyVault");
        URI uri;
        try {
            uri = new URI(vault.endsWith("/") ? vault.substring(0, vault.length() - 1) : vault);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(at + ": keyVault vault '" + vault + "' is not a URL: " + e.getMessage());
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())
                || uri.getQuery() != null) {
            throw new IllegalArgumentException(at + ": keyVault vault '" + vault + "' must be the vault's URL, https://<name>.vault.azure.net"
                    + " (its 'Vault URI' in the portal), with no path");
        }
        Optional<String> name = optional(fields, "name");
        name.ifPresent(n -> {
            if (!VAULT_OBJECT.matcher(n).matches()) {
                throw new IllegalArgumentException(at + ": keyVault name '" + n + "' must be 1-127 letters, digits and hyphens (Key Vault's rule)");
            }
        });
        return new DeliveryTarget.KeyVault(uri, name);
    }

    private static DeliveryTarget certificateManager(JsonNode fields, String at) {
        onlyFields(fields, at, "certificateManager", Set.of("project", "location", "name"));
        String project = required(fields, "project", at, "certificateManager");
        if (!PROJECT.matcher(project).matches()) {
            throw new IllegalArgumentException(at + ": certificateManager project '" + project + "' is not a project id (6-30 lower-case"
                    + " letters, digits and hyphens; the id, not the project's display name or number)");
        }
        String location = optional(fields, "location").orElse("global");
        if (!RFC1035.matcher(location).matches()) {
            throw new IllegalArgumentException(at + ": certificateManager location '" + location + "' is not a location such as global or europe-west1");
        }
        Optional<String> name = optional(fields, "name");
        name.ifPresent(n -> {
            if (!RFC1035.matcher(n).matches()) {
                throw new IllegalArgumentException(at + ": certificateManager name '" + n + "' must be 1-63 lower-case letters, digits and"
                        + " hyphens, starting with a letter (Certificate Manager's rule for resource ids)");
            }
        });
        return new DeliveryTarget.CertificateManager(project, location, name);
    }

    private static void onlyFields(JsonNode fields, String at, String kind, Set<String> allowed) {
        if (!fields.isObject()) {
            throw new IllegalArgumentException(at + ": " + kind + " needs its fields, e.g. " + KINDS.get(kind));
        }
        for (Iterator<String> names = fields.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(at + ": " + kind + " has no field '" + name + "'; it takes " + KINDS.get(kind));
            }
        }
    }

    private static String required(JsonNode fields, String field, String at, String kind) {
        return optional(fields, field).orElseThrow(() -> new IllegalArgumentException(at + ": " + kind + " needs '" + field + "', e.g. "
                + KINDS.get(kind)));
    }

    private static Optional<String> optional(JsonNode fields, String field) {
        JsonNode value = fields.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.asText().strip());
    }
}
