package io.certfn.cloud.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.azure.functions.resteasy.runtime.Function;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * Stands in for the Azure Functions Java worker, which cannot be installed on these machines:
 * loaded on the packaged function app's class path ({@code target/azure-functions/<app>/}), it
 * calls the functions the app declares the way the worker does — the HTTP trigger with an
 * {@code HttpRequestMessage}, the timer with its schedule status — one JSON request per stdin
 * line, one JSON answer per stdout line.
 */
public final class FunctionsWorkerHarness {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final ExecutionContext CONTEXT = new ExecutionContext() {
        @Override
        public Logger getLogger() {
            return Logger.getLogger("functions-worker");
        }

        @Override
        public String getInvocationId() {
            return java.util.UUID.randomUUID().toString();
        }

        @Override
        public String getFunctionName() {
            return "QuarkusHttp";
        }
    };

    private FunctionsWorkerHarness() {
    }

    public static void main(String[] args) throws Exception {
        try {
            serve();
        } finally {
            System.exit(0); // the app's threads must not outlive the harness
        }
    }

    private static void serve() throws Exception {
        // The worker obtains function instances through this SPI; Quarkus' implementation boots the app.
        FunctionInstanceInjector injector = ServiceLoader.load(FunctionInstanceInjector.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no FunctionInstanceInjector on the class path"));
        Function http = injector.getInstance(Function.class);
        RenewalTimer timer = injector.getInstance(RenewalTimer.class);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            JsonNode call = JSON.readTree(line);
            Map<String, Object> answer = new HashMap<>();
            // Function classes are request-scoped beans: each invocation runs in its own request context.
            ManagedContext requestContext = Arc.container().requestContext();
            requestContext.activate();
            try {
                if (call.path("function").asText().equals("renewals")) {
                    timer.run("{\"isPastDue\":false}", CONTEXT);
                    answer.put("status", 0);
                } else {
                    Map<String, String> headers = new HashMap<>();
                    call.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
                    FunctionsHttpRequest request = new FunctionsHttpRequest(HttpMethod.value(call.path("method").asText()),
                            call.path("url").asText(), headers, call.path("body").asText(null));
                    FunctionsHttpRequest.Response response = (FunctionsHttpRequest.Response) http.run(request, CONTEXT);
                    answer.put("status", response.getStatusCode());
                    answer.put("headers", response.headers());
                    answer.put("body", response.text());
                }
            } catch (RuntimeException e) {
                answer.put("status", -1);
                answer.put("body", e.toString());
            } finally {
                requestContext.terminate();
            }
            System.out.println("ANSWER " + JSON.writeValueAsString(answer));
        }
    }
}
