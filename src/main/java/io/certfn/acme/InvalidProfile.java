package io.certfn.acme;

import io.certfn.error.CertfnException;
import java.util.Optional;

/** The request names an ACME profile the CA does not offer: 400 {@code invalid_profile}, listing those it offers. */
public class InvalidProfile extends CertfnException {

    public InvalidProfile(String detail) {
        super(400, "invalid_profile", detail);
    }

    @Override
    public Optional<String> field() {
        return Optional.of("profile");
    }

    @Override
    public String title() {
        return "Invalid profile";
    }
}
