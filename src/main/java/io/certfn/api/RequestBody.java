package io.certfn.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certfn.certs.CertificateSpec;
import io.certfn.certs.ClientCsr;
import io.certfn.certs.DomainNames;
import io.certfn.certs.RevocationReason;
import io.certfn.crypto.KeyType;
import io.certfn.error.InvalidRequestException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Validates a certificate request body (docs/design.md §2): at most {@value #MAX_BYTES} bytes of
 * JSON with {@code domain} and/or {@code domains}, {@code keyType}, {@code csr}, {@code profile};
 * member names match case-insensitively. Unknown fields are ignored (older and newer clients).
 * Every rejection names the field.
 */
public final class RequestBody {

    /** The members this API reads, by their lower-case spelling. */
    private static final Map<String, String> FIELDS = Map.of(
            "domain", "domain", "domains", "domains", "keytype", "keyType", "csr", "csr", "profile", "profile", "reason", "reason");

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
        Map<String, JsonNode> fields = members((ObjectNode) root);
        List<String> requested = new ArrayList<>();
        optionalString(fields, "domain").filter(d -> !d.isBlank()).ifPresent(requested::add);
        JsonNode domains = fields.get("domains");
        if (domains != null && !domains.isNull()) {
            if (!domains.isArray()) {
                throw InvalidRequestException.invalidField("domains", "Field 'domains' must be an array of strings.");
            }
            for (JsonNode d : domains) {
                if (!d.isTextual()) {
                    throw InvalidRequestException.invalidField("domains",
                            "Field 'domains' must hold only strings; found " + d.getNodeType().name().toLowerCase() + ".");
                }
                requested.add(d.asText());
            }
        }
        if (requested.isEmpty()) {
            throw InvalidRequestException.missingParam("domain",
                    "Field 'domain' (or 'domains') is required and must not be empty: the name(s) the certificate is for.");
        }
        List<String> names;
        try {
            names = DomainNames.canonicalize(requested);
        } catch (InvalidRequestException e) {
            throw domains != null && !domains.isNull() ? e.about("domains") : e;
        }
        KeyType keyType = KeyType.parse(optionalString(fields, "keyType").orElse(null));
        Optional<ClientCsr> csr = optionalString(fields, "csr").filter(s -> !s.isBlank()).map(ClientCsr::parse);
        csr.ifPresent(c -> c.requireNames(names));
        Optional<String> profile = optionalString(fields, "profile").filter(s -> !s.isBlank()).map(String::strip);
        return new CertificateSpec(names, keyType, csr, profile);
    }

    /**
     * The {@code reason} of a revocation request (RFC 5280 names; {@code unspecified} when absent),
     * from a body {@link #read} accepted.
     *
     * @throws InvalidRequestException naming the field and the accepted reasons
     */
    public static RevocationReason reason(byte[] body, ObjectMapper json) {
        try {
            return RevocationReason.parse(optionalString(members((ObjectNode) json.readTree(body)), "reason").orElse(null));
        } catch (IOException e) {
            throw InvalidRequestException.invalidBody("The request body could not be read: " + e.getMessage());
        }
    }

    /**
     * The object's members by their names as this API spells them, matched case-insensitively as
     * Go's JSON decoder does (Go, .NET and PowerShell clients send {@code "Domain"}). Two members
     * that differ only in case are refused: which one was meant cannot be known.
     */
    private static Map<String, JsonNode> members(ObjectNode root) {
        Map<String, JsonNode> byName = new HashMap<>();
        Map<String, String> spelled = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> member = it.next();
            String name = FIELDS.getOrDefault(member.getKey().toLowerCase(Locale.ROOT), member.getKey());
            String before = spelled.putIfAbsent(name, member.getKey());
            if (before != null) {
                throw InvalidRequestException.invalidField(name, "The body has both '" + before + "' and '" + member.getKey()
                        + "'; member names match case-insensitively, so send only one of them.");
            }
            byName.put(name, member.getValue());
        }
        return byName;
    }

    private static Optional<String> optionalString(Map<String, JsonNode> fields, String field) {
        JsonNode node = fields.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw InvalidRequestException.invalidField(field, "Field '" + field + "' must be a string, not "
                    + node.getNodeType().name().toLowerCase() + ".");
        }
        return Optional.of(node.asText());
    }
}
