package io.certfn.policy;

import io.certfn.error.CertfnException;

/** The caller is known but the policy does not grant a name: 403 {@code domain_not_allowed}. */
public class DomainNotAllowedException extends CertfnException {

    public DomainNotAllowedException(String detail) {
        super(403, "domain_not_allowed", detail);
    }

    @Override
    public String title() {
        return "Domain not allowed";
    }
}
