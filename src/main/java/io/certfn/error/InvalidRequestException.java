package io.certfn.error;

import java.util.Optional;

/**
 * A request the caller must change: 400 with one of the input codes, or 413. Carries the request
 * field it is about, when there is one, for le-cert-server's {@code metadata.name}.
 */
public class InvalidRequestException extends CertfnException {

    private final String field;

    public InvalidRequestException(String code, String detail) {
        this(400, code, detail, null);
    }

    private InvalidRequestException(int status, String code, String detail, String field) {
        super(status, code, detail);
        this.field = field;
    }

    @Override
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** The same failure, about {@code name} (e.g. {@code domains} where a name came from that list). */
    public InvalidRequestException about(String name) {
        InvalidRequestException moved = new InvalidRequestException(status(), code(), getMessage(), name);
        moved.setStackTrace(getStackTrace());
        return moved;
    }

    /** The body as a whole is unusable (not JSON, not an object). */
    public static InvalidRequestException invalidBody(String detail) {
        return new InvalidRequestException(400, "invalid_body", detail, null);
    }

    /** {@code field} has the wrong JSON type. */
    public static InvalidRequestException invalidField(String field, String detail) {
        return new InvalidRequestException(400, "invalid_body", detail, field);
    }

    public static InvalidRequestException missingParam(String field, String detail) {
        return new InvalidRequestException(400, "missing_body_param", detail, field);
    }

    public static InvalidRequestException invalidDomain(String detail) {
        return new InvalidRequestException(400, "invalid_domain", detail, "domain");
    }

    public static InvalidRequestException invalidCsr(String detail) {
        return new InvalidRequestException(400, "invalid_csr", detail, "csr");
    }

    public static InvalidRequestException invalidKeyType(String detail) {
        return new InvalidRequestException(400, "invalid_key_type", detail, "keyType");
    }

    public static InvalidRequestException bodyTooLarge(long limit) {
        return new InvalidRequestException(413, "body_too_large",
                "The request body is larger than " + limit + " bytes.", null);
    }
}
