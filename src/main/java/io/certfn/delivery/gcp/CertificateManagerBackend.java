package io.certfn.delivery.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.certfn.cloud.sdk.GoogleTokens;
import io.certfn.cloud.sdk.JsonHttp;
import io.certfn.delivery.DeliveryBackend;
import io.certfn.delivery.DeliveryConfig;
import io.certfn.delivery.DeliveryException;
import io.certfn.delivery.DeliveryTarget;
import io.certfn.delivery.Shipment;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Google Certificate Manager (REST v1): a self-managed certificate, created at the first delivery
 * and patched in place at every renewal, so a certificate map entry or target proxy that references
 * it serves the renewal unchanged. Both calls are long-running operations, awaited until done.
 * Spoken over REST with the JDK's client and the official auth library: the Certificate Manager
 * client library is not served by the Maven mirror this project builds from, and its gRPC stack
 * would be most of the image for three calls.
 */
@Singleton
@IfBuildProperty(name = "certfn-build.gcp", stringValue = "true", enableIfMissing = true)
public class CertificateManagerBackend implements DeliveryBackend {

    private static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

    private final String endpoint;
    private final Duration timeout;
    private final JsonHttp http;

    public CertificateManagerBackend(DeliveryConfig config) {
        this.endpoint = config.gcp().endpoint().replaceAll("/+$", "");
        this.timeout = config.timeout();
        Supplier<String> token = config.gcp().accessToken().<Supplier<String>>map(t -> () -> t).orElseGet(() -> GoogleTokens.applicationDefault(SCOPE));
        this.http = new JsonHttp("Google Certificate Manager", token, DeliveryException::new);
    }

    @Override
    public String kind() {
        return "certificateManager";
    }

    @Override
    public String deliver(DeliveryTarget target, Shipment shipment, Optional<String> previous) {
        DeliveryTarget.CertificateManager cm = (DeliveryTarget.CertificateManager) target;
        String id = cm.resourceName(shipment.names(), shipment.storageId());
        String parent = "projects/" + cm.project() + "/locations/" + cm.location();
        String resource = parent + "/certificates/" + id;
        Map<String, Object> body = Map.of(
                "description", "certfn: " + String.join(", ", shipment.names()),
                "labels", Map.of("certfn-id", label(shipment.storageId())),
                "selfManaged", Map.of("pemCertificate", shipment.leaf() + shipment.chain(), "pemPrivateKey", shipment.privateKey()));
        Instant deadline = Instant.now().plus(timeout);
        JsonHttp.Response patched = http.send("PATCH", endpoint + "/v1/" + resource + "?updateMask=description,labels,selfManaged", body, Map.of());
        JsonHttp.Response operation = patched;
        if (patched.status() == 404) {
            operation = http.send("POST", endpoint + "/v1/" + parent + "/certificates?certificateId=" + id, body, Map.of());
        }
        check(operation, patched.status() == 404 ? "create" : "update", resource);
        await(operation.body(), resource, deadline);
        return resource;
    }

    /** Polls the long-running operation until it is done; its error, if any, is the delivery's. */
    private void await(JsonNode operation, String resource, Instant deadline) {
        Duration wait = Duration.ofMillis(200);
        JsonNode current = operation;
        while (!current.path("done").asBoolean(false)) {
            if (Instant.now().plus(wait).isAfter(deadline)) {
                throw new DeliveryException("Certificate Manager did not finish " + current.path("name").asText("the operation") + " on "
                        + resource + " within certfn.delivery.timeout; the next sweep delivers again");
            }
            sleep(wait);
            wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : wait.multipliedBy(2);
            JsonHttp.Response polled = http.send("GET", endpoint + "/v1/" + current.path("name").asText(), null, Map.of());
            check(polled, "poll the operation on", resource);
            current = polled.body();
        }
        JsonNode error = current.path("error");
        if (!error.isMissingNode() && !error.isNull()) {
            throw new DeliveryException("Certificate Manager could not store " + resource + ": " + error.path("message").asText()
                    + " (code " + error.path("code").asText() + ")");
        }
    }

    private static void check(JsonHttp.Response r, String verb, String resource) {
        if (r.ok()) {
            return;
        }
        JsonNode error = r.body().path("error");
        String status = error.path("status").asText("HTTP " + r.status());
        String hint = r.status() == 403 || r.status() == 401 ? " (the service account needs certificatemanager.certs.create,"
                + " .update and .get and certificatemanager.operations.get on the project; deploy.sh grants them with"
                + " DELIVER_CERTIFICATE_MANAGER=1)" : "";
        throw new DeliveryException("Certificate Manager refused to " + verb + " " + resource + ": " + status + " "
                + error.path("message").asText("") + hint);
    }

    /** Label values hold at most 63 lower-case letters, digits, {@code _} and {@code -}: the id's end, its hash. */
    static String label(String storageId) {
        String id = storageId.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        return id.substring(Math.max(0, id.length() - 63));
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted while waiting for Certificate Manager", e);
        }
    }
}
