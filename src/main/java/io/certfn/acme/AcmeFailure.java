package io.certfn.acme;

import io.certfn.error.CertfnException;

/** The CA refused or failed, or could not be reached: 502 {@code acme_error}. */
public class AcmeFailure extends CertfnException {

    public AcmeFailure(String detail) {
        super(502, "acme_error", detail);
    }

    public AcmeFailure(String detail, Throwable cause) {
        super(502, "acme_error", detail, cause);
    }

    protected AcmeFailure(int status, String code, String detail, Throwable cause) {
        super(status, code, detail, cause);
    }

    @Override
    public String title() {
        return "Certificate authority error";
    }
}
