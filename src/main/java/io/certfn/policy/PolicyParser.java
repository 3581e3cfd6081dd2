package io.certfn.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.certfn.delivery.DeliveryTargets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a policy document (docs/design.md §6) in YAML or JSON (JSON is YAML). Every mistake is reported
 * with the rule's position and name, so a start-up error says exactly what to fix.
 */
public final class PolicyParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Loaded only for a policy that is not JSON: the YAML parser costs ~100 classes at a cold start. */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
    }

    private PolicyParser() {
    }

    /** JSON as JSON; what only YAML reads (a flow mapping with unquoted keys) as YAML. */
    private static JsonNode jsonOrYaml(String text) throws IOException {
        try {
            return JSON.readTree(text);
        } catch (IOException notJson) {
            return Yaml.MAPPER.readTree(text);
        }
    }

    /**
     * Parses {@code text}.
     *
     * @param source where it came from, for messages (e.g. a file path)
     * @throws IllegalArgumentException naming the source, the rule and the problem
     */
    public static Policy parse(String text, String source) {
        JsonNode root;
        try {
            root = text.strip().startsWith("{") ? jsonOrYaml(text) : Yaml.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("policy from " + source + " is not valid YAML/JSON: " + e.getMessage());
        }
        if (root == null || !root.path("rules").isArray()) {
            throw new IllegalArgumentException("policy from " + source + " needs a 'rules' list");
        }
        List<PolicyRule> rules = new ArrayList<>();
        int index = 0;
        for (JsonNode node : root.get("rules")) {
            index++;
            String name = node.path("name").asText("rule " + index);
            String where = "policy from " + source + ", rule '" + name + "'";
            JsonNode match = node.path("match");
            if (!match.isObject() || match.isEmpty()) {
                throw new IllegalArgumentException(where + " needs a non-empty 'match' map (e.g. {apiKey: ops})");
            }
            Map<String, String> matchMap = new LinkedHashMap<>();
            match.fields().forEachRemaining(f -> {
                if (!f.getValue().isValueNode()) {
                    throw new IllegalArgumentException(where + ": match '" + f.getKey() + "' must be a single value");
                }
                // YAML's "sub:" with nothing after it is null, which asText() would turn into the text "null".
                if (f.getValue().isNull() || f.getValue().asText().isBlank()) {
                    throw new IllegalArgumentException(where + ": match '" + f.getKey() + "' is empty; give the value to match");
                }
                matchMap.put(f.getKey(), f.getValue().asText());
            });
            if (!matchMap.containsKey("issuer") && !matchMap.containsKey("apiKey")) {
                // {sub: X} alone would admit a token of every trusted issuer whose sub is X: a GitHub
                // workflow, a Google account, another tenant's app may all be able to choose it.
                throw new IllegalArgumentException(where + " matches " + matchMap.keySet() + " but no issuer or apiKey, so it would"
                        + " match a token of every trusted issuer that carries those values; add issuer: <preset or iss URL>"
                        + " (google, azure, aws, oidc, ...), or issuer: '*' to mean every token issuer on purpose");
            }
            JsonNode domains = node.path("domains");
            if (!domains.isArray() || domains.isEmpty()) {
                throw new IllegalArgumentException(where + " needs a non-empty 'domains' list");
            }
            List<DomainPattern> patterns = new ArrayList<>();
            for (JsonNode d : domains) {
                try {
                    patterns.add(DomainPattern.parse(d.asText()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage());
                }
            }
            rules.add(new PolicyRule(name, matchMap, patterns, actions(node.get("actions"), where),
                    DeliveryTargets.parse(node.get("deliver"), where)));
        }
        return new Policy(rules);
    }

    /** A rule's {@code actions}: absent means {@link PolicyRule#ALL}; else a non-empty list of known actions. */
    private static Set<String> actions(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return PolicyRule.ALL;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'actions' must be a non-empty list of " + PolicyRule.KNOWN.keySet());
        }
        Set<String> actions = new TreeSet<>();
        for (JsonNode a : node) {
            if (!PolicyRule.KNOWN.containsKey(a.asText())) {
                throw new IllegalArgumentException(where + ": unknown action '" + a.asText() + "'; use one of "
                        + String.join(", ", PolicyRule.KNOWN.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList()));
            }
            actions.add(a.asText());
        }
        return actions;
    }
}
