package io.certfn.cloud.aws;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.amazon.lambda.runtime.AmazonLambdaApi;
import java.util.Map;

/**
 * Raw Lambda Function URL events (payload format 2.0, as AWS documents them under "Invoking
 * Lambda function URLs"), posted to Quarkus' mock Lambda event server so they reach certfn
 * through the same handler as in Lambda, with whatever {@code requestContext} a test needs (a
 * raw event POSTed to the server's base path is queued as it is).
 */
final class FunctionUrlEvents {

    static final ObjectMapper JSON = new ObjectMapper();

    private FunctionUrlEvents() {
    }

    /** A POST of {@code body} to {@code path}, with {@code headers} and optionally an IAM signer. */
    static ObjectNode post(String path, String body, Map<String, String> headers, String iamUserArn) {
        ObjectNode event = JSON.createObjectNode().put("version", "2.0").put("routeKey", "$default")
                .put("rawPath", path).put("rawQueryString", "").put("body", body).put("isBase64Encoded", false);
        ObjectNode h = event.putObject("headers");
        h.put("content-type", "application/json").put("host", "abcdefgh.lambda-url.eu-west-1.on.aws");
        headers.forEach(h::put);
        ObjectNode context = event.putObject("requestContext").put("accountId", "anonymous").put("apiId", "abcdefgh")
                .put("domainName", "abcdefgh.lambda-url.eu-west-1.on.aws").put("requestId", "r-" + System.nanoTime())
                .put("routeKey", "$default").put("stage", "$default").put("timeEpoch", System.currentTimeMillis());
        context.putObject("http").put("method", "POST").put("path", path).put("protocol", "HTTP/1.1")
                .put("sourceIp", "203.0.113.7").put("userAgent", "certfn-test");
        if (iamUserArn != null) {
            context.putObject("authorizer").putObject("iam").put("accessKey", "ASIAEXAMPLE").put("accountId", "123456789012")
                    .put("callerId", "AROAEXAMPLE:i-0abc").put("principalOrgId", "o-example").put("userArn", iamUserArn)
                    .put("userId", "AROAEXAMPLE:i-0abc");
        }
        return event;
    }

    /**
     * The event EventBridge Scheduler sends for the renewal schedule (deploy-aws/template.yaml):
     * a direct invocation, so no Function URL domain and no identity in its request context.
     */
    static ObjectNode scheduled(String path) {
        ObjectNode event = JSON.createObjectNode().put("version", "2.0").put("routeKey", "$default")
                .put("rawPath", path).put("rawQueryString", "").put("isBase64Encoded", false);
        event.putObject("headers").put("content-type", "application/json");
        event.putObject("requestContext").putObject("http").put("method", "POST").put("path", path)
                .put("protocol", "HTTP/1.1").put("sourceIp", "0.0.0.0");
        return event;
    }

    /** Invokes the function with {@code event}; the Lambda response (statusCode, headers, body). */
    static JsonNode invoke(ObjectNode event) throws Exception {
        String response = given().contentType("application/json").body(JSON.writeValueAsString(event))
                .post(AmazonLambdaApi.API_BASE_PATH_TEST).then().extract().asString();
        return JSON.readTree(response);
    }

    /** The JSON body of a Lambda response. */
    static JsonNode body(JsonNode response) throws Exception {
        return JSON.readTree(response.path("body").asText());
    }
}
