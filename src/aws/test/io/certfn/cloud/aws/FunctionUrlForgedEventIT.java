package io.certfn.cloud.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.certfn.testing.AcmeStackResource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged Lambda build (target/function.zip, as `sam deploy` uploads it) run the way Lambda's
 * java21 runtime runs it: the AWS Runtime Interface Client (Lambda's own Java runtime client,
 * com.amazonaws:aws-lambda-java-runtime-interface-client) with the zip unpacked as its task root,
 * the template's handler, polling a Runtime API on 127.0.0.1 ({@link LambdaRuntimeApi}). In
 * AWS_IAM mode, as the SAM template deploys it by default, an attacker with lambda:InvokeFunction
 * sends a hand-written event naming a role the policy grants: no key, no certificate, only what a
 * renewal-only identity may do.
 */
class FunctionUrlForgedEventIT {

    private static final String HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    private static final String ROLE_SESSION = "arn:aws:sts::123456789012:assumed-role/billing/attacker";

    private static AcmeStackResource stack;
    private static LambdaRuntimeApi lambda;
    private static Process function;
    private static Path log;

    @BeforeAll
    static void start() throws Exception {
        stack = new AcmeStackResource();
        Map<String, String> config = new java.util.HashMap<>(stack.start());
        config.put("certfn.platform.aws.function-url-auth", "AWS_IAM");
        Path task = unpack(Path.of("target/function.zip"));
        lambda = new LambdaRuntimeApi();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-cp", runtimeClientClassPath(), "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", HANDLER));
        log = Files.createTempFile("lambda-function", ".log");
        // The client takes its task root from the working directory (in Lambda, /var/task).
        ProcessBuilder builder = new ProcessBuilder(command).directory(task.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("AWS_LAMBDA_RUNTIME_API", lambda.address());
        env.put("LAMBDA_TASK_ROOT", task.toString());
        env.put("_HANDLER", HANDLER);
        env.put("AWS_LAMBDA_FUNCTION_NAME", "certfn");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_REGION", "eu-west-1");
        function = builder.start();
    }

    @AfterAll
    static void stop() {
        if (function != null) {
            function.destroyForcibly();
        }
        if (lambda != null) {
            lambda.close();
        }
        if (stack != null) {
            stack.stop();
        }
    }

    /** function.zip as Lambda unpacks it into /var/task: the classes at its root, the libraries in lib/. */
    private static Path unpack(Path zip) throws IOException {
        assertTrue(Files.exists(zip), "the Lambda build is packaged first (mvn verify -Paws): " + zip.toAbsolutePath());
        Path root = Files.createTempDirectory("lambda-task");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path target = root.resolve(entry.getName()).normalize();
                assertTrue(target.startsWith(root), entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return root;
    }

    /** Lambda's runtime jars only (as in /var/runtime/lib): the function's own come from the task root. */
    private static String runtimeClientClassPath() throws Exception {
        List<String> jars = new ArrayList<>();
        for (String type : List.of("com.amazonaws.services.lambda.runtime.api.client.AWSLambda", "com.amazonaws.services.lambda.runtime.Context",
                "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
                "software.amazon.awssdk.utilslite.SdkInternalThreadLocal", "software.amazon.awssdk.annotations.SdkProtectedApi")) {
            jars.add(Path.of(Class.forName(type).getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return String.join(java.io.File.pathSeparator, jars);
    }

    private static JsonNode invoke(String path, String body) throws Exception {
        String event = FunctionUrlEvents.JSON.writeValueAsString(FunctionUrlEvents.post(path, body, Map.of(), ROLE_SESSION));
        try {
            return FunctionUrlEvents.JSON.readTree(lambda.invoke(event, Duration.ofSeconds(120)));
        } catch (Exception e) {
            throw new AssertionError("the function did not answer: " + e.getMessage() + "\n" + log(), e);
        }
    }

    private static String log() throws IOException {
        try (InputStream in = Files.newInputStream(log)) {
            return new String(in.readAllBytes());
        }
    }

    @Test
    void aForgedDirectInvokeNamingAGrantedRoleGetsNoKeyFromThePackagedFunction() throws Exception {
        for (String path : new String[] {"/api/certificate", "/api/certificate/renew", "/api/certificate/revoke"}) {
            JsonNode r = invoke(path, "{\"domain\":\"billing.certfn.test\"}");
            assertEquals(403, r.path("statusCode").asInt(), path + ": " + r + "\n" + log());
            String body = r.path("body").asText();
            assertFalse(body.contains("PRIVATE KEY") || body.contains("BEGIN CERTIFICATE"), body);
            JsonNode problem = FunctionUrlEvents.JSON.readTree(body);
            assertEquals("domain_not_allowed", problem.path("code").asText());
            assertTrue(problem.path("detail").asText().contains("certfn.platform.aws.trust-direct-invokers"), body);
        }
        assertTrue(log().contains("callers' IAM identities may only run renewals"), "the packaged build says so at start:\n" + log());
    }

    @Test
    void theSameEventMayStartTheRenewalSweepWhichHandsOutNothing() throws Exception {
        JsonNode r = invoke("/api/renewals", "");
        assertEquals(200, r.path("statusCode").asInt(), r + "\n" + log());
        assertTrue(FunctionUrlEvents.JSON.readTree(r.path("body").asText()).has("renewed"), r.toString());
    }
}
