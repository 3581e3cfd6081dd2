package io.certfn.delivery.acm;

import io.certfn.delivery.DeliveryBackend;
import io.certfn.delivery.DeliveryConfig;
import io.certfn.delivery.DeliveryException;
import io.certfn.delivery.DeliveryTarget;
import io.certfn.delivery.Shipment;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.acm.AcmClient;
import software.amazon.awssdk.services.acm.AcmClientBuilder;
import software.amazon.awssdk.services.acm.model.AcmException;
import software.amazon.awssdk.services.acm.model.ImportCertificateRequest;
import software.amazon.awssdk.services.acm.model.ResourceNotFoundException;
import software.amazon.awssdk.services.acm.model.Tag;

/**
 * AWS Certificate Manager: {@code ImportCertificate}, onto the ARN of the certificate's first import
 * at every renewal (ACM keeps the ARN, so an ALB listener, API Gateway domain or CloudFront
 * distribution that references it serves the renewal unchanged). The first import tags the
 * certificate {@code certfn:id} (which certfn certificate it is) — the tag the deploy template's
 * role is limited to; ACM refuses tags on a re-import.
 */
@Singleton
@IfBuildProperty(name = "certfn-build.aws", stringValue = "true", enableIfMissing = true)
public class AcmBackend implements DeliveryBackend {

    /** The tag the deploy template's IAM conditions name. */
    public static final String ID_TAG = "certfn:id";
    /** ACM's answers to a role that may not import (AWS common errors). */
    private static final List<String> DENIED = List.of("AccessDeniedException", "UnrecognizedClientException",
            "InvalidClientTokenId", "ExpiredTokenException", "SignatureDoesNotMatch");

    private final Optional<String> endpoint;
    private final java.time.Duration timeout;
    /** One client per region, built at first use (an HTTP client must not end up in a native image's heap). */
    private final Map<String, AcmClient> clients = new ConcurrentHashMap<>();

    public AcmBackend(DeliveryConfig config) {
        this.endpoint = config.acm().endpoint();
        this.timeout = config.timeout();
    }

    @Override
    public String kind() {
        return "acm";
    }

    @Override
    public String deliver(DeliveryTarget target, Shipment shipment, Optional<String> previous) {
        String region = ((DeliveryTarget.Acm) target).region();
        AcmClient acm = clients.computeIfAbsent(region, this::client);
        try {
            return importOnto(acm, shipment, previous);
        } catch (ResourceNotFoundException gone) {
            // Deleted by someone since the last delivery: a new ARN, which the record keeps from now on.
            return importOnto(acm, shipment, Optional.empty());
        } catch (AcmException e) {
            String code = e.awsErrorDetails() == null ? "HTTP " + e.statusCode() : e.awsErrorDetails().errorCode();
            String hint = DENIED.contains(code) ? ": the function's role needs acm:ImportCertificate (and acm:AddTagsToCertificate for"
                    + " the first import) in " + region + "; the deploy template grants them with DeliverToAcm=true" : "";
            throw new DeliveryException("ACM ImportCertificate in " + region + previous.map(arn -> " onto " + arn).orElse("")
                    + " failed: " + code + " " + message(e) + hint, e);
        } catch (SdkClientException e) {
            throw new DeliveryException("ACM in " + region + " could not be reached: " + e.getMessage(), e);
        }
    }

    private static String importOnto(AcmClient acm, Shipment shipment, Optional<String> arn) {
        ImportCertificateRequest.Builder request = ImportCertificateRequest.builder()
                .certificate(SdkBytes.fromUtf8String(shipment.leaf()))
                .certificateChain(SdkBytes.fromUtf8String(shipment.chain()))
                .privateKey(SdkBytes.fromUtf8String(shipment.privateKey()));
        if (arn.isPresent()) {
            request.certificateArn(arn.get());
        } else {
            request.tags(Tag.builder().key(ID_TAG).value(shipment.storageId()).build(),
                    Tag.builder().key("certfn:name").value(tagValue(shipment.names().get(0))).build());
        }
        return acm.importCertificate(request.build()).certificateArn();
    }

    /** ACM tag values allow letters, digits, spaces and {@code _.:/=+-@}: a wildcard's {@code *} is spelled out. */
    static String tagValue(String name) {
        return name.toLowerCase(Locale.ROOT).replace("*", "wildcard");
    }

    private static String message(AcmException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? "" : e.awsErrorDetails().errorMessage();
    }

    private AcmClient client(String region) {
        AcmClientBuilder builder = AcmClient.builder().region(Region.of(region))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(java.time.Duration.ofSeconds(5)).build())
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(o -> o.apiCallTimeout(timeout));
        endpoint.ifPresent(e -> builder.endpointOverride(URI.create(e)));
        return builder.build();
    }
}
