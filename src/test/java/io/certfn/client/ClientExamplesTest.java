package io.certfn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The examples that run {@code client/certfn-fetch} (systemd, cron, Kubernetes, README) checked
 * offline — no init system or cluster runs in the tests: every option they pass is one the script
 * knows, and the Kubernetes manifest parses and mounts the token where {@code --identity k8s} reads it.
 */
class ClientExamplesTest {

    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z-]+");

    private static Set<String> knownOptions() throws Exception {
        Process help = new ProcessBuilder("sh", "client/certfn-fetch", "--help").redirectErrorStream(true).start();
        String usage = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, help.waitFor(), usage);
        Set<String> options = new TreeSet<>();
        Matcher m = OPTION.matcher(usage);
        while (m.find()) {
            options.add(m.group());
        }
        assertTrue(options.containsAll(List.of("--server", "--domain", "--cert", "--key", "--identity", "--reload")), options.toString());
        return options;
    }

    /** The options of every certfn-fetch command line in {@code text} (continued lines joined). */
    private static List<String> optionsUsed(String text) {
        List<String> used = new ArrayList<>();
        String joined = text.replace("\\\n", " ");
        for (String line : joined.split("\n")) {
            int at = line.indexOf("certfn-fetch ");
            if (at < 0 || line.strip().startsWith("#")) {
                continue;
            }
            // Options of the commands the reload runs (kubectl's --cert, --dry-run) are not certfn-fetch's.
            String command = line.substring(at).replaceAll("--reload\\s+(\"[^\"]*\"|'[^']*')", "--reload");
            Matcher m = OPTION.matcher(command);
            while (m.find()) {
                used.add(m.group());
            }
        }
        return used;
    }

    @Test
    void everyExampleUsesOnlyOptionsTheScriptKnows() throws Exception {
        Set<String> known = knownOptions();
        List<Path> examples = new ArrayList<>();
        try (var files = Files.list(Path.of("client/examples"))) {
            files.forEach(examples::add);
        }
        examples.add(Path.of("README.md"));
        examples.add(Path.of("client/README.md"));
        int commands = 0;
        for (Path example : examples) {
            List<String> used = optionsUsed(Files.readString(example));
            commands += used.isEmpty() ? 0 : 1;
            for (String option : used) {
                assertTrue(known.contains(option), example + " passes " + option + ", which certfn-fetch does not know");
            }
        }
        assertTrue(commands >= 5, "the examples were read: " + commands + " with a certfn-fetch command");
    }

    @Test
    void theKubernetesCronJobMountsTheTokenWhereTheScriptReadsIt() throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                .readValues(Path.of("client/examples/k8s-cronjob.yaml").toFile())) {
            it.forEachRemaining(docs::add);
        }
        JsonNode cronJob = docs.stream().filter(d -> d.path("kind").asText().equals("CronJob")).findFirst().orElseThrow();
        JsonNode pod = cronJob.at("/spec/jobTemplate/spec/template/spec");
        JsonNode mount = null;
        for (JsonNode m : pod.at("/containers/0/volumeMounts")) {
            if (m.path("name").asText().equals("token")) {
                mount = m;
            }
        }
        JsonNode token = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals("token")) {
                token = v.at("/projected/sources/0/serviceAccountToken");
            }
        }
        assertTrue(mount != null && token != null, "a projected token volume is mounted");
        String path = mount.path("mountPath").asText() + "/" + token.path("path").asText();
        assertTrue(Files.readString(Path.of("client/certfn-fetch")).contains("f=" + path), "--identity k8s reads " + path);
        assertTrue(token.path("audience").asText().startsWith("https://"), "the token is for certfn's audience");
        assertEquals("certfn-fetch", pod.path("serviceAccountName").asText());
        JsonNode role = docs.stream().filter(d -> d.path("kind").asText().equals("Role")).findFirst().orElseThrow();
        assertEquals("www-tls", role.at("/rules/0/resourceNames/0").asText(), "the Role reaches only its Secret");
        // Every rule is limited to that Secret, and none creates one (a new service-account-token Secret mints a token).
        for (JsonNode rule : role.path("rules")) {
            assertEquals("[\"www-tls\"]", rule.path("resourceNames").toString(), "every rule names the one Secret: " + rule);
            for (JsonNode verb : rule.path("verbs")) {
                assertTrue(List.of("get", "update").contains(verb.asText()), "the Role may only read and update: " + rule);
            }
        }
        String reload = cronJob.at("/spec/jobTemplate/spec/template/spec/containers/0/args/0").asText();
        assertTrue(reload.contains("kubectl replace -f -") && !reload.contains("kubectl apply"), "the Secret is updated, never created: " + reload);
    }
}
