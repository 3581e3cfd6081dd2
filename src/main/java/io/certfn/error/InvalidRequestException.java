package io.certfn.error;


/** A request the caller must change: 400 with one of the input codes, or 413. */
public class InvalidRequestException extends CertfnException {

    public InvalidRequestException(String code, String detail) {
        super(400, code, detail);
    }

    private InvalidRequestException(int status, String code, String detail) {
        super(status, code, detail);
    }

    public static InvalidRequestException invalidBody(String detail) {
        return new InvalidRequestException("invalid_body", detail);
    }

    public static InvalidRequestException missingParam(String detail) {
        return new InvalidRequestException("missing_body_param", detail);
    }

    public static InvalidRequestException invalidDomain(String detail) {
        return new InvalidRequestException("invalid_domain", detail);
    }

    public static InvalidRequestException invalidCsr(String detail) {
        return new InvalidRequestException("invalid_csr", detail);
    }

    public static InvalidRequestException invalidKeyType(String detail) {
        return new InvalidRequestException("invalid_key_type", detail);
    }

    public static InvalidRequestException bodyTooLarge(long limit) {
        return new InvalidRequestException(413, "body_too_large",
                "The request body is larger than " + limit + " bytes.");
    }
}
