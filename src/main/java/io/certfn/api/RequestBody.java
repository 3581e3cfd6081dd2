package io.certfn.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.certs.CertificateSpec;
import io.certfn.certs.ClientCsr;
import io.certfn.certs.DomainNames;
import io.certfn.crypto.KeyType;
import io.certfn.error.InvalidRequestException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validates a certificate request body (DESIGN §2): at most {@value #MAX_BYTES} bytes of
 * JSON with {@code domain} and/or {@code domains}, {@code keyType}, {@code csr}, {@code profile}.
 * Unknown fields are ignored (older and newer clients). Every rejection names the field.
 */
public final class RequestBody {

    /** The largest body accepted. */
    public static final int MAX_BYTES = 64 * 1024;

    private RequestBody() {
    }

    /**
     * Parses a request body of at most {@link #MAX_BYTES}.
     *
     * @throws InvalidRequestException {@code body_too_large}, {@code invalid_body},
     *         {@code missing_body_param}, {@code invalid_domain}, {@code invalid_key_type} or
     *         {@code invalid_csr}
     */
    public static CertificateSpec read(byte[] body, ObjectMapper json) {
        if (body == null) {
            body = new byte[0];
        }
        if (body.length > MAX_BYTES) {
            throw InvalidRequestException.bodyTooLarge(MAX_BYTES);
        }
        return parse(body, json);
    }

    static CertificateSpec parse(byte[] body, ObjectMapper json) {
        if (body.length == 0) {
            throw InvalidRequestException.invalidBody("The request body is empty; send a JSON object such as {\"domain\":\"example.com\"}.");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw InvalidRequestException.invalidBody("The request body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ").");
        } catch (IOException e) {
            throw InvalidRequestException.invalidBody("The request body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw InvalidRequestException.invalidBody("The request body must be a JSON object, not "
                    + (root == null ? "nothing" : root.getNodeType().name().toLowerCase()) + ".");
        }
        List<String> requested = new ArrayList<>();
        optionalString(root, "domain").ifPresent(requested::add);
        JsonNode domains = root.get("domains");
        if (domains != null && !domains.isNull()) {
            if (!domains.isArray()) {
                throw InvalidRequestException.invalidBody("Field 'domains' must be an array of strings.");
            }
            for (JsonNode d : domains) {
                if (!d.isTextual()) {
                    throw InvalidRequestException.invalidBody("Field 'domains' must hold only strings; found " + d.getNodeType().name().toLowerCase() + ".");
                }
                requested.add(d.asText());
            }
        }
        if (requested.isEmpty()) {
            throw InvalidRequestException.missingParam("Field 'domain' (or 'domains') is required: the name(s) the certificate is for.");
        }
        List<String> names = DomainNames.canonicalize(requested);
        KeyType keyType = KeyType.parse(optionalString(root, "keyType").orElse(null));
        Optional<ClientCsr> csr = optionalString(root, "csr").filter(s -> !s.isBlank()).map(ClientCsr::parse);
        csr.ifPresent(c -> c.requireNames(names));
        Optional<String> profile = optionalString(root, "profile").filter(s -> !s.isBlank()).map(String::strip);
        return new CertificateSpec(names, keyType, csr, profile);
    }

    private static Optional<String> optionalString(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw InvalidRequestException.invalidBody("Field '" + field + "' must be a string, not "
                    + node.getNodeType().name().toLowerCase() + ".");
        }
        return Optional.of(node.asText());
    }
}
