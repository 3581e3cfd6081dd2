package io.certfn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.certfn.testing.Dockerfiles;
import io.certfn.testing.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deploy templates (SAM, Bicep, the Cloud Run script) checked offline — no CloudFormation,
 * Bicep or gcloud tool can be installed here: they parse, every {@code CERTFN_*} variable they set is a
 * key of README's configuration reference, every key of that reference is one certfn's config
 * mapping knows, and the permissions they grant are the ones the code uses.
 */
public class DeployTemplatesTest {

    private static final Pattern README_KEY = Pattern.compile("^\\| (`[^|]+`) \\|", Pattern.MULTILINE);
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern ENV = Pattern.compile("\\bCERTFN_[A-Z0-9_]+\\b");

    /** docs/configuration.md's table: every key, with {@code .x} shorthands and {@code <preset>} expanded. */
    public static Set<String> referenceKeys() throws Exception {
        String readme = Files.readString(Path.of("docs/configuration.md"));
        Set<String> keys = new TreeSet<>();
        Matcher row = README_KEY.matcher(readme);
        while (row.find()) {
            String first = null;
            Matcher code = CODE.matcher(row.group(1));
            while (code.find()) {
                String key = code.group(1);
                if (key.startsWith("certfn.")) {
                    first = key;
                } else if (key.startsWith(".") && first != null) {
                    key = first.substring(0, first.lastIndexOf('.')) + key;
                } else {
                    continue;
                }
                if (key.contains("<preset>")) {
                    for (String preset : List.of("google", "azure", "aws", "oidc")) {
                        keys.add(key.replace("<preset>", preset));
                    }
                } else {
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    private static String env(String key) {
        return key.toUpperCase().replaceAll("[.\\-]", "_");
    }

    /**
     * Each cloud's build writes JSON log lines its log reader parses (Cloud Run with Cloud Logging's
     * field names); the default build, which `make run` uses, writes text. Read from the filtered
     * application.properties and the profiles that fill it.
     */
    @Test
    void eachCloudBuildLogsJsonAndTheDefaultBuildText() throws Exception {
        String built = Files.readString(Path.of("target/classes/application.properties"));
        assertTrue(built.contains("quarkus.log.console.json.enabled=false\n"), "the default build writes text");
        assertTrue(Files.readString(Path.of("src/main/resources/application.properties"))
                .contains("quarkus.log.console.json.enabled=${certfn-build.json-logs}\n"));
        org.w3c.dom.Document pom = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        org.w3c.dom.NodeList profiles = pom.getElementsByTagName("profile");
        Map<String, String> jsonLogs = new java.util.TreeMap<>();
        Map<String, String> formats = new java.util.TreeMap<>();
        for (int i = 0; i < profiles.getLength(); i++) {
            org.w3c.dom.Element profile = (org.w3c.dom.Element) profiles.item(i);
            String id = profile.getElementsByTagName("id").item(0).getTextContent();
            org.w3c.dom.NodeList json = profile.getElementsByTagName("certfn-build.json-logs");
            org.w3c.dom.NodeList format = profile.getElementsByTagName("certfn-build.log-format");
            jsonLogs.put(id, json.getLength() == 0 ? "unset" : json.item(0).getTextContent());
            formats.put(id, format.getLength() == 0 ? "default" : format.item(0).getTextContent());
        }
        for (String cloud : List.of("aws", "azure", "azure-handler", "gcp")) {
            assertEquals("true", jsonLogs.get(cloud), cloud + " build: " + jsonLogs);
            assertEquals(cloud.equals("gcp") ? "gcp" : "default", formats.get(cloud), cloud + " build: " + formats);
        }
    }

    @Test
    void everyReferenceKeyIsOneTheConfigMappingKnows() throws Exception {
        Set<String> keys = referenceKeys();
        assertTrue(keys.size() > 60, "the reference table was read: " + keys);
        List<String> unknown = new ArrayList<>();
        keys.add("certfn.store.s3.no-such-key"); // proves an unknown key is noticed
        for (String key : keys) {
            try {
                TestConfig.validate(Map.of(key, "1"));
            } catch (RuntimeException e) {
                if (String.valueOf(e.getMessage()).contains("does not map to any root")) {
                    unknown.add(key);
                }
            }
        }
        assertEquals(List.of("certfn.store.s3.no-such-key"), unknown, "docs/configuration.md documents keys certfn does not have");
    }

    @Test
    void theSamTemplateSetsOnlyDocumentedVariablesAndGrantsWhatTheCodeUses() throws Exception {
        JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(Path.of("deploy-aws/template.yaml").toFile());
        JsonNode function = template.path("Resources").path("CertfnFunction").path("Properties");
        assertEquals("io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest", function.path("Handler").asText());
        assertEquals("../target/function.zip", function.path("CodeUri").asText());
        assertTrue(function.path("FunctionUrlConfig").has("AuthType"));
        Set<String> documented = new TreeSet<>();
        referenceKeys().forEach(k -> documented.add(env(k)));
        List<String> variables = new ArrayList<>();
        function.path("Environment").path("Variables").fieldNames().forEachRemaining(variables::add);
        assertTrue(variables.containsAll(List.of("CERTFN_STORE_TYPE", "CERTFN_DNS_PROVIDER", "CERTFN_STORE_ENCRYPTION_KEY")));
        for (String variable : variables) {
            assertTrue(documented.contains(variable), variable + " is not in README's configuration reference");
        }
        String text = Files.readString(Path.of("deploy-aws/template.yaml"));
        for (String action : List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket",
                "route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets")) {
            assertTrue(text.contains(action), "the role lacks " + action);
        }
        String granted = function.path("Policies").toString();
        assertFalse(granted.contains("s3:*") || granted.contains("route53:*") || granted.contains("kms:*"), "no wildcard actions granted");
        // The bucket refuses plain HTTP: its only wildcard is a Deny.
        JsonNode https = template.path("Resources").path("StoreBucketPolicy").path("Properties").path("PolicyDocument").path("Statement").get(0);
        assertEquals("Deny", https.path("Effect").asText());
        assertEquals("false", https.path("Condition").path("Bool").path("aws:SecureTransport").asText());
        JsonNode bucket = template.path("Resources").path("StoreBucket").path("Properties");
        assertEquals("Enabled", bucket.path("VersioningConfiguration").path("Status").asText());
        assertTrue(bucket.path("PublicAccessBlockConfiguration").path("RestrictPublicBuckets").asBoolean());
        assertEquals("AWS::Scheduler::Schedule", template.path("Resources").path("RenewalSchedule").path("Type").asText());
        // The schedule sends a plain event to the Lambda build's scheduled-renewal path, with no identity to forge (#15).
        String schedule = template.path("Resources").path("RenewalSchedule").toString();
        assertTrue(schedule.contains("/aws/scheduled-renewal"), schedule);
        assertFalse(schedule.contains("authorizer"), "the schedule's event claims no identity: " + schedule);
        assertTrue(Files.readString(Path.of("src/aws/java/io/certfn/cloud/aws/ScheduledRenewal.java"))
                .contains("@Path(\"/aws/scheduled-renewal\")"), "the path the schedule calls exists");
        assertFalse(text.contains("domains: [\"*\"]") || text.contains("\"domains\":[\"*\"]"), "no rule grants * for the schedule");
        // A NONE stack has credentials: STS tokens by parameter, API keys only from Secrets Manager (#30).
        JsonNode variablesNode = function.path("Environment").path("Variables");
        assertTrue(variablesNode.has("CERTFN_AUTH_AWS_ISSUER") && variablesNode.has("CERTFN_AUTH_AWS_AUDIENCE"));
        assertTrue(variablesNode.path("CERTFN_AUTH_API_KEYS").toString().contains("{{resolve:secretsmanager:${ApiKeysSecret}:SecretString}}"),
                variablesNode.path("CERTFN_AUTH_API_KEYS").toString());
        for (String secret : List.of("EncryptionKey", "EncryptionKeyPrevious", "EabHmacKey")) {
            assertTrue(template.path("Parameters").path(secret).path("NoEcho").asBoolean(), secret + " is NoEcho");
        }
        // The URL output has no trailing slash: "$FunctionUrl/api/certificate" has no '//'.
        assertTrue(text.contains("Value: !Join [\"\", [\"https://\", !Select [2, !Split [\"/\", !GetAtt CertfnFunctionUrl.FunctionUrl]]]]"));
        assertAlarmsMatchTheSweepLine(template.path("Resources"));
        // SnapStart on the JVM build (#31): published versions behind the alias that the URL, its permissions and the schedule name.
        assertEquals("live", function.path("AutoPublishAlias").asText());
        assertTrue(text.contains("SnapStart: !If [Jvm, {ApplyOn: PublishedVersions}, !Ref AWS::NoValue]"), "SnapStart on java21 only");
        for (String reference : List.of("FunctionName: !Ref CertfnFunction.Alias", "Resource: !Ref CertfnFunction.Alias", "Arn: !Ref CertfnFunction.Alias")) {
            assertTrue(text.contains(reference), reference);
        }
        assertFalse(text.contains("!GetAtt CertfnFunction.Arn"), "nothing invokes the unpublished function");
        assertTrue(Files.readString(Path.of("src/aws/java/io/certfn/cloud/aws/SnapStartHooks.java")).contains("Core.getGlobalContext().register(this)"));
        // Delivery to ACM (#32): off unless DeliverToAcm, and only onto certificates tagged certfn:id or new ones carrying the tag.
        assertEquals("false", template.path("Parameters").path("DeliverToAcm").path("Default").asText());
        List<JsonNode> acm = new ArrayList<>();
        // Jackson reads "!If [cond, then, !Ref AWS::NoValue]" as the plain list [cond, then, "AWS::NoValue"].
        function.path("Policies").get(0).path("Statement").forEach(st -> {
            if (st.isArray() && st.toString().contains("acm:")) {
                assertEquals("DeliversToAcm", st.get(0).asText());
                assertEquals("AWS::NoValue", st.get(2).asText());
                acm.add(st.get(1));
            }
        });
        assertTrue(text.contains("            - !If\n              - DeliversToAcm\n"), "conditional statements");
        assertEquals(2, acm.size(), granted);
        assertEquals("false", acm.get(0).path("Condition").path("Null").path("aws:ResourceTag/certfn:id").asText(), acm.get(0).toString());
        assertEquals("false", acm.get(1).path("Condition").path("Null").path("aws:RequestTag/certfn:id").asText(), acm.get(1).toString());
        assertEquals("\"" + io.certfn.delivery.acm.AcmBackend.ID_TAG + "\"", acm.get(1).path("Condition").path("ForAllValues:StringEquals")
                .path("aws:TagKeys").get(0).toString(), "the tag AcmBackend writes");
    }

    /** The sweep's log line, as RenewalSweep writes it: the field names each alarm matches on. */
    static Set<String> sweepLineFields() throws Exception {
        String source = Files.readString(Path.of("src/main/java/io/certfn/certs/RenewalSweep.java"));
        Matcher line = Pattern.compile("LOG\\.infof\\(\"(event=sweep[^)]*?)\", caller").matcher(source.replace("\"\n                + \"", ""));
        assertTrue(line.find(), "RenewalSweep writes the event=sweep line");
        Set<String> fields = new TreeSet<>();
        Matcher field = Pattern.compile("(\\w+)=%d").matcher(line.group(1));
        while (field.find()) {
            fields.add(field.group(1));
        }
        assertTrue(fields.containsAll(List.of("failed", "overdue", "expiring")), fields.toString());
        return fields;
    }

    /** Each log metric filter matches event=sweep without one of its zero counts; every alarm notifies the topic. */
    private static void assertAlarmsMatchTheSweepLine(JsonNode resources) throws Exception {
        Set<String> fields = sweepLineFields();
        Set<String> alarmed = new TreeSet<>();
        Pattern filter = Pattern.compile("\"event=sweep\" -\"(\\w+)=0\"");
        int alarms = 0;
        for (JsonNode resource : resources) {
            if (resource.path("Type").asText().equals("AWS::Logs::MetricFilter")) {
                Matcher m = filter.matcher(resource.path("Properties").path("FilterPattern").asText());
                assertTrue(m.matches(), resource.toString());
                assertTrue(fields.contains(m.group(1)), m.group(1) + " is not a field of the sweep's line " + fields);
                alarmed.add(m.group(1));
            }
            if (resource.path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
                alarms++;
                assertEquals("[\"AlarmTopic\"]", resource.path("Properties").path("AlarmActions").toString(), "!Ref AlarmTopic");
            }
        }
        assertEquals(Set.of("failed", "overdue", "expiring"), alarmed);
        assertEquals(4, alarms, "the three sweep alarms and 5xx");
    }

    @Test
    void theBicepTemplateSetsOnlyDocumentedVariablesAndAssignsOnlyItsRoles() throws Exception {
        // Read as written: no Bicep compiler can be had here.
        String bicep = Files.readString(Path.of("deploy-azure/main.bicep"));
        Set<String> documented = new TreeSet<>();
        referenceKeys().forEach(k -> documented.add(env(k)));
        Matcher setting = Pattern.compile("\\{ name: '(CERTFN_[A-Z0-9_]+)', value: ([^}]+) }").matcher(bicep);
        Map<String, String> settings = new java.util.HashMap<>();
        while (setting.find()) {
            settings.put(setting.group(1), setting.group(2).strip());
        }
        assertTrue(settings.size() >= 10, "the app settings were read: " + settings);
        for (String name : settings.keySet()) {
            assertTrue(documented.contains(name), name + " is not in README's configuration reference");
        }
        assertEquals("'azure-blob'", settings.get("CERTFN_STORE_TYPE"));
        assertEquals("'azure'", settings.get("CERTFN_DNS_PROVIDER"));
        assertTrue(bicep.contains("type: 'SystemAssigned'"));
        assertTrue(bicep.contains("'ba92f5b4-2d11-453d-a403-e96b0029c9fe'"), "Storage Blob Data Contributor");
        assertFalse(bicep.contains("'befefa01-2a29-4197-83a8-272ff33ce314'"), "not DNS Zone Contributor, which may change any record or delete the zone");
        String dnsRole = bicep.substring(bicep.indexOf("resource dnsTxtRole"), bicep.indexOf("resource dnsAccess"));
        Matcher action = Pattern.compile("'(Microsoft\\.Network/[^']+)'").matcher(dnsRole);
        List<String> actions = new ArrayList<>();
        while (action.find()) {
            actions.add(action.group(1));
        }
        assertEquals(List.of("Microsoft.Network/dnsZones/read", "Microsoft.Network/dnsZones/TXT/read", "Microsoft.Network/dnsZones/TXT/write",
                "Microsoft.Network/dnsZones/TXT/delete"), actions, "TXT record sets only, as AzureDnsProvider uses them");
        assertTrue(bicep.contains("roleDefinitionId: dnsTxtRole.id"));
        assertTrue(bicep.contains("'4633458b-17de-408a-b874-0445c86b69e6'"), "Key Vault Secrets User");
        assertEquals(4, bicep.split("Microsoft.Authorization/roleAssignments@").length - 1, "exactly four role assignments");
        // The fourth only when a delivery vault is named (#32): Key Vault Certificates Officer on that vault alone.
        String delivery = bicep.substring(bicep.indexOf("resource deliveryAccess"), bicep.indexOf("}\n}", bicep.indexOf("resource deliveryAccess")));
        assertTrue(delivery.contains("= if (!empty(deliveryKeyVaultName))") && delivery.contains("scope: deliveryVault")
                && delivery.contains("keyVaultCertificatesOfficer"), delivery);
        assertTrue(bicep.contains("var keyVaultCertificatesOfficer = 'a4417e6f-fecd-4de8-b567-7b0420556985'"));
        assertTrue(bicep.contains("scope: container") && bicep.contains("scope: zone") && bicep.contains("scope: vault"),
                "scoped to the container, the zone and certfn's own vault");
        assertTrue(bicep.contains("@secure()\nparam encryptionKey string = ''"), "the data key is a secure parameter, given once");
        // The data key is a Key Vault reference, not a plain app setting (#17), written only when given and pinned to a version (#30).
        assertEquals("encryptionKeyReference", settings.get("CERTFN_STORE_ENCRYPTION_KEY"));
        assertTrue(bicep.contains("resource keySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(encryptionKey)) {"),
                "a re-run without the key keeps the stored one");
        assertTrue(bicep.contains("var encryptionKeyUri = !empty(encryptionKeyVersion) ? '${keyUri}${encryptionKeyVersion}' : "
                + "(!empty(encryptionKey) ? keySecret.properties.secretUriWithVersion : keptSecret.properties.secretUriWithVersion)"));
        assertTrue(bicep.contains("var encryptionKeyReference = '@Microsoft.KeyVault(SecretUri=${encryptionKeyUri})'"));
        assertTrue(bicep.contains("{ name: 'CERTFN_STORE_ENCRYPTION_KEY_PREVIOUS', value: '@Microsoft.KeyVault(SecretUri=${keyUri}${encryptionKeyPreviousVersion})' }"));
        assertTrue(bicep.contains("createMode: vaultCreateMode"), "a soft-deleted vault can be recovered");
        // Workspace-based Application Insights: new regions refuse classic components.
        assertTrue(bicep.contains("WorkspaceResourceId: workspace.id"));
        // Alerts on the sweep's line and on 5xx, to an action group.
        Set<String> fields = sweepLineFields();
        Matcher query = Pattern.compile("message contains \"event=sweep\" and message !contains \"(\\w+)=0\"").matcher(bicep);
        Set<String> alerted = new TreeSet<>();
        while (query.find()) {
            assertTrue(fields.contains(query.group(1)), query.group(1) + " is not a field of the sweep's line " + fields);
            alerted.add(query.group(1));
        }
        assertEquals(Set.of("failed", "overdue", "expiring"), alerted);
        assertTrue(bicep.contains("requests | where toint(resultCode) >= 500") && bicep.contains("actions: { actionGroups: [ alertGroup.id ] }"));
        // certfn's store account opens with the identity only; the host's state lives in another account.
        assertTrue(bicep.contains("allowSharedKeyAccess: false"), "shared keys off on certfn's store");
        assertTrue(bicep.contains("AccountName=${hostStorage.name}"), "AzureWebJobsStorage is the host's own account");
        assertTrue(bicep.contains("var name = toLower(prefix)") && !bicep.contains("'${prefix}"), "names in lower case");
        // App Service authentication and certfn's trust in its header go together.
        assertEquals("appServiceAuth ? 'true' : 'false'", settings.get("CERTFN_PLATFORM_AZURE_APP_SERVICE_AUTH"));
        assertTrue(bicep.contains("resource authentication 'Microsoft.Web/sites/config@2023-12-01' = if (appServiceAuth)")
                && bicep.contains("requireAuthentication: true") && bicep.contains("excludedPaths: [ '/healthz' ]"));
        // Linux Consumption supports only a URL in WEBSITE_RUN_FROM_PACKAGE ('1' leaves a re-run without code): the template sets
        // the URL given on every run, and Flex, which deploys from its container, is the default.
        assertFalse(bicep.contains("value: '1' }"), "WEBSITE_RUN_FROM_PACKAGE=1 is not supported on Linux Consumption");
        assertTrue(bicep.contains("], flex || empty(packageUri) ? [] : [") && bicep.contains("{ name: 'WEBSITE_RUN_FROM_PACKAGE', value: packageUri }"));
        // Flex Consumption, Linux Consumption's successor: runtime and package from functionAppConfig, none of the settings it refuses.
        assertTrue(bicep.contains("@allowed([ 'consumption', 'flex' ])\nparam hostingPlan string = 'flex'"), "a choice of plan, Flex by default");
        assertTrue(bicep.contains("sku: flex ? { name: 'FC1', tier: 'FlexConsumption' } : { name: 'Y1', tier: 'Dynamic' }"));
        assertTrue(bicep.contains("appSettings: concat(flex ? [] : [\n        { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }\n"
                + "        { name: 'FUNCTIONS_WORKER_RUNTIME', value: workerRuntime }\n      ]"), "Flex refuses FUNCTIONS_WORKER_RUNTIME");
        assertTrue(bicep.contains("functionAppConfig: flex ? {") && bicep.contains("type: 'blobContainer'")
                && bicep.contains("runtime: workerRuntime == 'java' ? { name: 'java', version: '17' } : { name: 'custom', version: '1.0' }"));
        assertTrue(bicep.contains("linuxFxVersion: flex ? null :"), "Flex takes no linuxFxVersion");
        assertTrue(bicep.contains("@allowed([ 'java', 'custom' ])\nparam workerRuntime string = 'java'")
                && bicep.contains("{ name: 'FUNCTIONS_WORKER_RUNTIME', value: workerRuntime }"),
                "one template for the Java worker and the native custom handler");
    }

    /** The custom handler's host.json: the host proxies HTTP requests to certfn as they came, its timer reaches /renewals. */
    @Test
    void theCustomHandlerIsProxiedHttpRequestsAndServesNoRoutePrefix() throws Exception {
        var host = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(Path.of("deploy-azure/custom-handler/host.json")));
        assertTrue(host.path("customHandler").path("enableHttpProxyingRequest").asBoolean(), host.toString());
        assertTrue(host.path("customHandler").path("enableForwardingHttpRequest").asBoolean(), "kept for older hosts: " + host);
        assertTrue(host.path("extensions").path("http").path("routePrefix").isTextual()
                && host.path("extensions").path("http").path("routePrefix").asText().isEmpty(), host.toString());
        assertTrue(host.has("extensionBundle"), "the timer trigger needs the extension bundle");
    }

    /** A JDK AOT cache trained under other JVM flags than the image runs with may be refused or hold less. */
    @Test
    void theCloudRunImageTrainsItsAotCacheOnItsOwnPackagingWithTheFlagsItRunsWith() throws Exception {
        Path dockerfile = Path.of("src/main/docker/Dockerfile.jvm");
        Matcher train = Pattern.compile("(?m)^RUN bash \\S*/aot-train\\.sh /deployments java (.*)$").matcher(Dockerfiles.joined(dockerfile));
        assertTrue(train.find(), "Dockerfile.jvm does not train an AOT cache with aot-train.sh");
        List<String> run = Dockerfiles.entrypoint(dockerfile);
        assertEquals(List.of("java", "-XX:AOTCache=app.aot"), run.subList(0, 2), "the image must start with the cache it trained: " + run);
        assertEquals(List.of("-jar", "quarkus-run.jar"), run.subList(run.size() - 2, run.size()), "launched as trained: " + run);
        assertEquals(run.subList(2, run.size() - 2), List.of(train.group(1).trim().split("\\s+")),
                "the cache is trained with other JVM flags than the ENTRYPOINT runs with");
        assertTrue(Files.isExecutable(Path.of("src/main/docker/aot-train.sh")), "src/main/docker/aot-train.sh is missing or not executable");
        // Every jar on the JVM's class path: a cache holds none of the classes Quarkus' own fast-jar loader loads.
        String pom = Files.readString(Path.of("pom.xml"));
        String gcp = pom.substring(pom.indexOf("<id>gcp</id>"), pom.indexOf("</profile>", pom.indexOf("<id>gcp</id>")));
        assertTrue(gcp.contains("<quarkus.package.jar.type>aot-jar</quarkus.package.jar.type>"), "the -Pgcp build must package aot-jar");
    }

    @Test
    void theCloudRunScriptSetsOnlyDocumentedVariablesAndIsValidBash() throws Exception {
        String script = Files.readString(Path.of("deploy-gcp/deploy.sh"));
        Set<String> documented = new TreeSet<>();
        referenceKeys().forEach(k -> documented.add(env(k)));
        Matcher variable = ENV.matcher(script);
        int count = 0;
        while (variable.find()) {
            count++;
            assertTrue(documented.contains(variable.group()), variable.group() + " is not in README's configuration reference");
        }
        assertTrue(count >= 10, "the script sets certfn's variables");
        assertTrue(script.contains("/api/renewals") && script.contains("--oidc-service-account-email"));
        Process bash = new ProcessBuilder("bash", "-n", "deploy-gcp/deploy.sh").redirectErrorStream(true).start();
        if (bash.waitFor() != 0) {
            fail("bash -n deploy-gcp/deploy.sh: " + new String(bash.getInputStream().readAllBytes()));
        }
    }
}
