package io.certfn.dns;

import io.certfn.error.CertfnException;

/** The DNS provider failed or a record did not become visible: 502 {@code dns_error}. */
public class DnsException extends CertfnException {

    public DnsException(String detail) {
        super(502, "dns_error", detail);
    }

    public DnsException(String detail, Throwable cause) {
        super(502, "dns_error", detail, cause);
    }

    @Override
    public String title() {
        return "DNS error";
    }
}
