package io.certfn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certfn.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy-gcp/deploy.sh run twice, as an operator re-runs it, against a gcloud stand-in that
 * remembers what the first run made (src/test/deploy/fake-gcloud.py; no Google Cloud account
 * exists here). A re-run keeps the data key's version even after a version was added, updates the
 * alerts instead of adding more, and a YAML policy is deployed with the scheduler's rule.
 */
class GcpDeployScriptTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY_YAML = """
            rules:
              - name: web
                match: {issuer: google, email: web@my-project.iam.gserviceaccount.com}
                domains: ["web.example.com"]
            """;

    private record Run(int exit, String out) {
    }

    private static Run deploy(Path dir, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", Path.of("deploy-gcp/deploy.sh").toAbsolutePath().toString())
                .redirectErrorStream(true);
        builder.environment().putAll(Map.of("PROJECT", "my-project", "MANAGED_ZONE", "example-com",
                "POLICY_FILE", dir.resolve("policy.yaml").toString(), "IMAGE", "europe-west1-docker.pkg.dev/my-project/certfn/certfn:1",
                "FAKE_GCLOUD_STATE", dir.resolve("gcloud-state.json").toString(),
                "PATH", dir.resolve("bin") + ":" + System.getenv("PATH")));
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    private static JsonNode state(Path dir) throws Exception {
        return JSON.readTree(dir.resolve("gcloud-state.json").toFile());
    }

    private static String env(JsonNode deploy, String name) {
        for (JsonNode e : deploy.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e.has("value") ? e.path("value").asText() : e.path("valueFrom").path("secretKeyRef").toString();
            }
        }
        return null;
    }

    @Test
    void aSecondRunKeepsTheKeyVersionAndUpdatesTheAlertsAndAYamlPolicyIsDeployed(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("bin"));
        Path gcloud = dir.resolve("bin/gcloud");
        // Debian's own python3 where it is (a version manager's shim in front of it costs a tenth of a second per call).
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        // Calls that only change IAM or the schedule answer at once; python (-S: no site packages) keeps the rest.
        // Every call is written to calls.log first, so the test sees the grants the script makes.
        Files.writeString(gcloud, "#!/bin/sh\necho \"$*\" >> " + dir.resolve("calls.log") + "\ncase \"$*\" in\n  *add-iam-policy-binding*|*remove-iam-policy-binding*|*set-iam-policy*|*'services enable'*|"
                + "*'scheduler jobs'*|*'run services update'*|*'iam roles update'*) exit 0 ;;\nesac\nexec " + python + " -S "
                + Path.of("src/test/deploy/fake-gcloud.py").toAbsolutePath() + " \"$@\"\n");
        Files.setPosixFilePermissions(gcloud, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("policy.yaml"), POLICY_YAML);

        Run first = deploy(dir, Map.of("ALERT_EMAIL", "ops@example.com"));
        assertEquals(0, first.exit(), first.out());
        JsonNode deployed = state(dir).path("deploys").get(0);
        assertEquals("{\"name\":\"certfn-encryption-key\",\"key\":\"1\"}", env(deployed, "CERTFN_STORE_ENCRYPTION_KEY"));
        assertEquals("https://acme-staging-v02.api.letsencrypt.org/directory", env(deployed, "CERTFN_ACME_DIRECTORY"), "staging first");
        assertTrue(first.out().contains("PRODUCTION=1"), first.out());
        String policy = env(deployed, "CERTFN_POLICY");
        var rules = PolicyParser.parse(policy, "CERTFN_POLICY").rules();
        assertEquals(List.of("web", "renewal-schedule"), rules.stream().map(r -> r.name()).toList(), policy);
        String args = deployed.path("args").toString();
        assertTrue(args.contains("\"--startup-probe\",\"httpGet.path=/q/health/live") && args.contains("\"--liveness-probe\",\"httpGet.path=/q/health/live"),
                args);
        assertEquals(4, state(dir).path("policies").size(), "four alert policies");
        assertEquals(3, state(dir).path("metrics").size(), "three log-based metrics");
        state(dir).path("policies").forEach(p -> assertEquals("[\"projects/p/notificationChannels/1\"]",
                p.path("policy").path("notificationChannels").toString(), "mailed to ALERT_EMAIL"));

        // Someone adds a key version (the first step of a rotation); the operator re-runs for a policy change, in production.
        ObjectNode state = (ObjectNode) state(dir);
        state.put("secretVersions", 2);
        JSON.writeValue(dir.resolve("gcloud-state.json").toFile(), state);
        assertFalse(Files.readString(dir.resolve("calls.log")).contains("certificatemanager"), "no delivery grant unless asked for");
        Run second = deploy(dir, Map.of("ALERT_EMAIL", "ops@example.com", "PRODUCTION", "1", "DELIVER_CERTIFICATE_MANAGER", "1"));
        assertEquals(0, second.exit(), second.out());
        String calls = Files.readString(dir.resolve("calls.log"));
        assertTrue(calls.contains("iam roles create certfnDelivery --project my-project --title certfn delivery --permissions "
                + "certificatemanager.certs.create,certificatemanager.certs.update,certificatemanager.certs.get,certificatemanager.operations.get"),
                calls);
        assertTrue(calls.contains("projects add-iam-policy-binding my-project --member serviceAccount:certfn@my-project.iam.gserviceaccount.com"
                + " --role projects/my-project/roles/certfnDelivery --condition None"), calls);
        JsonNode redeployed = state(dir).path("deploys").get(1);
        assertEquals("{\"name\":\"certfn-encryption-key\",\"key\":\"1\"}", env(redeployed, "CERTFN_STORE_ENCRYPTION_KEY"),
                "the version the service uses, not the newest");
        assertEquals("https://acme-v02.api.letsencrypt.org/directory", env(redeployed, "CERTFN_ACME_DIRECTORY"));
        assertEquals(4, state(dir).path("policies").size(), "updated in place, none added");
        List<String> verbs = new ArrayList<>();
        state(dir).path("policies").forEach(p -> verbs.add(p.path("verb").asText()));
        assertEquals(List.of("update", "update", "update", "update"), verbs);
        assertEquals(1, state(dir).path("channels").size(), "one mail channel");

        // A rotation names both versions.
        Run rotation = deploy(dir, Map.of("KEY_VERSION", "2", "PREVIOUS_KEY_VERSION", "1"));
        assertEquals(0, rotation.exit(), rotation.out());
        JsonNode rotated = state(dir).path("deploys").get(2);
        assertEquals("{\"name\":\"certfn-encryption-key\",\"key\":\"2\"}", env(rotated, "CERTFN_STORE_ENCRYPTION_KEY"));
        assertEquals("{\"name\":\"certfn-encryption-key\",\"key\":\"1\"}", env(rotated, "CERTFN_STORE_ENCRYPTION_KEY_PREVIOUS"));
    }

    @Test
    void aPolicyThatIsNeitherJsonNorYamlStopsTheScriptBeforeAnythingIsCreated(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("policy.yaml"), "rules: [ {name: web\n");
        ProcessBuilder builder = new ProcessBuilder("bash", "deploy-gcp/policy-with-scheduler.sh", dir.resolve("policy.yaml").toString(),
                "certfn-scheduler@p.iam.gserviceaccount.com").redirectErrorStream(true);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), out);
        assertTrue(out.contains("neither JSON nor YAML"), out);
    }
}
