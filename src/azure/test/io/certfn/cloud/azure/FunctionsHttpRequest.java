package io.certfn.cloud.azure;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP trigger's request as the Azure Functions Java worker hands it to a function
 * ({@code HttpRequestMessage}, text body), and the response builder it supplies.
 */
final class FunctionsHttpRequest implements HttpRequestMessage<Optional<String>> {

    /** A built response: status, headers and body as the worker would read them. */
    record Response(HttpStatusType status, Map<String, String> headers, Object body) implements HttpResponseMessage {
        @Override
        public HttpStatusType getStatus() {
            return status;
        }

        @Override
        public String getHeader(String key) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(key)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }

        @Override
        public Object getBody() {
            return body;
        }

        String text() {
            return body instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(body);
        }
    }

    private final URI uri;
    private final HttpMethod method;
    private final Map<String, String> headers;
    private final String body;

    FunctionsHttpRequest(HttpMethod method, String url, Map<String, String> headers, String body) {
        this.method = method;
        this.uri = URI.create(url);
        this.headers = headers;
        this.body = body;
    }

    @Override
    public URI getUri() {
        return uri;
    }

    @Override
    public HttpMethod getHttpMethod() {
        return method;
    }

    @Override
    public Map<String, String> getHeaders() {
        return headers;
    }

    @Override
    public Map<String, String> getQueryParameters() {
        return Map.of();
    }

    @Override
    public Optional<String> getBody() {
        return Optional.ofNullable(body);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
        return createResponseBuilder((HttpStatusType) status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
        return new HttpResponseMessage.Builder() {
            private HttpStatusType current = status;
            private final Map<String, String> responseHeaders = new HashMap<>();
            private Object responseBody;

            @Override
            public HttpResponseMessage.Builder status(HttpStatusType value) {
                current = value;
                return this;
            }

            @Override
            public HttpResponseMessage.Builder header(String key, String value) {
                responseHeaders.put(key, value);
                return this;
            }

            @Override
            public HttpResponseMessage.Builder body(Object value) {
                responseBody = value;
                return this;
            }

            @Override
            public HttpResponseMessage build() {
                return new Response(current, responseHeaders, responseBody);
            }
        };
    }
}
