package io.certfn.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.testing.AcmeStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document ({@code /q/openapi}) and the code agree: every problem code the
 * code can answer is in the document's enum and the reverse, every route the resources declare
 * is documented and the reverse, and each documented route answers (not 404/405).
 */
@QuarkusTest
@QuarkusTestResource(AcmeStackResource.class)
class OpenApiAgreementTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A status and a stable code, as every CertfnException and the fallback mapper declare them. */
    private static final Pattern CODE = Pattern.compile("\\b\\d{3}, \"([a-z]+(?:_[a-z]+)*)\"|new AuthenticationException\\(\"([a-z_]+)\"");
    private static final Pattern CLASS_PATH = Pattern.compile("^@Path\\(\"([^\"]+)\"\\)", Pattern.MULTILINE);
    private static final Pattern METHOD_PATH = Pattern.compile("^ {4}@Path\\(\"([^\"]+)\"\\)", Pattern.MULTILINE);

    private static JsonNode served() throws Exception {
        String body = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
        return JSON.readTree(body);
    }

    @Test
    void everyProblemCodeOfTheCodeIsDocumentedAndNoOther() throws Exception {
        Set<String> inCode = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = CODE.matcher(Files.readString(source));
                while (m.find()) {
                    inCode.add(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        }
        assertTrue(inCode.size() >= 25, "the codes were found: " + inCode);
        Set<String> documented = new TreeSet<>();
        served().path("components").path("schemas").path("Problem").path("properties").path("code").path("enum")
                .forEach(code -> documented.add(code.asText()));
        assertEquals(inCode, documented, "the codes certfn answers vs /q/openapi's Problem.code");
    }

    /** Served as written, YAML by default and JSON when asked, read at the first call rather than at start. */
    @Test
    void theDocumentIsServedAsYamlAndAsJson() throws Exception {
        String yaml = given().get("/q/openapi").then().statusCode(200).contentType(containsString("application/yaml")).extract().asString();
        assertEquals(Files.readString(Path.of("src/main/resources/META-INF/openapi.yaml")), yaml);
        given().header("Accept", "application/json").get("/q/openapi").then().statusCode(200).contentType(containsString("application/json"));
    }

    @Test
    void everyRouteIsDocumentedAndAnswers() throws Exception {
        Set<String> inCode = new TreeSet<>();
        try (Stream<Path> sources = Files.list(Path.of("src/main/java/io/certfn/api"))) {
            for (Path source : sources.toList()) {
                String text = Files.readString(source);
                Matcher type = CLASS_PATH.matcher(text);
                if (!type.find()) {
                    continue;
                }
                inCode.add(type.group(1));
                Matcher method = METHOD_PATH.matcher(text);
                while (method.find()) {
                    inCode.add(type.group(1) + method.group(1));
                }
            }
        }
        // The /q/ endpoints (health, metrics, this document itself) are the platform's, not the API's.
        inCode.removeIf(path -> path.startsWith("/q/"));
        JsonNode paths = served().path("paths");
        Set<String> documented = new TreeSet<>();
        paths.fieldNames().forEachRemaining(documented::add);
        assertEquals(inCode, documented, "the resources' routes vs /q/openapi's paths");
        for (Iterator<String> it = paths.fieldNames(); it.hasNext();) {
            String path = it.next();
            String method = paths.path(path).has("post") ? "POST" : "GET";
            int status = given().body("").request(method, path).statusCode();
            assertNotEquals(404, status, method + " " + path);
            assertNotEquals(405, status, method + " " + path);
        }
    }

    @Test
    void theHeadersClientsRelyOnAreDocumented() throws Exception {
        JsonNode components = served().path("components");
        assertEquals("Prefer", components.path("parameters").path("Prefer").path("name").asText());
        assertTrue(components.path("responses").path("ProblemRetry").path("headers").has("Retry-After"));
        assertTrue(components.path("schemas").path("Problem").path("properties").has("message"), "le-cert-server's member");
        assertTrue(components.path("schemas").path("CertificateRequest").path("properties").has("domain"));
    }
}
