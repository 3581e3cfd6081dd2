package io.certfn.certs;

import io.certfn.error.CertfnException;

/** A request about a stored certificate (a revocation) for which none is stored: 404 {@code not_found}. */
public class CertificateNotFoundException extends CertfnException {

    public CertificateNotFoundException(String detail) {
        super(404, "not_found", detail);
    }

    @Override
    public String title() {
        return "No such certificate";
    }
}
