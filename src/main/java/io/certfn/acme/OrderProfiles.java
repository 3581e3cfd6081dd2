package io.certfn.acme;

import java.util.Optional;
import java.util.TreeSet;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.exception.AcmeException;

/**
 * ACME profiles (draft-ietf-acme-profiles): a profile the CA does not offer is refused before
 * anything is ordered, and an order the CA created with another profile than asked is refused
 * before anything is validated, since its certificate would be stored and served as the asked one.
 */
final class OrderProfiles {

    private final String directory;
    private final Optional<String> defaultProfile;

    /** @param defaultProfile {@code certfn.acme.profile}, named as the server's in refusals */
    OrderProfiles(String directory, Optional<String> defaultProfile) {
        this.directory = directory;
        this.defaultProfile = defaultProfile;
    }

    /**
     * Checks that the CA's directory lists {@code profile} (acme4j would throw).
     *
     * @throws InvalidProfile naming the profiles the CA offers and what to change
     */
    void checkOffered(Login login, String profile) throws AcmeException {
        var metadata = login.getSession().getMetadata();
        String asked = defaultProfile.filter(profile::equals).isPresent()
                ? "certfn.acme.profile '" + profile + "' (the server's default profile)" : "profile '" + profile + "'";
        String fix = asked.startsWith("certfn") ? "change or unset certfn.acme.profile" : "leave 'profile' out";
        if (!metadata.isProfileAllowed()) {
            throw new InvalidProfile(asked + " was asked for, but the CA at " + directory + " offers no profiles; " + fix + ".");
        }
        if (!metadata.isProfileAllowed(profile)) {
            throw new InvalidProfile(asked + " is not offered by the CA at " + directory
                    + "; it offers: " + String.join(", ", new TreeSet<>(metadata.getProfiles())) + ".");
        }
    }

    /**
     * Checks that the CA created {@code order} with the profile asked for, where it says which.
     *
     * @throws AcmeFailure naming both profiles
     */
    static void checkEchoed(Order order, OrderRequest request) {
        if (request.profile().isEmpty()) {
            return;
        }
        Optional<String> echoed = order.getJSON().get("profile").optional().map(v -> v.asString());
        if (echoed.isPresent() && !echoed.get().equals(request.profile().get())) {
            throw new AcmeFailure("The CA created the order " + order.getLocation() + " with profile '" + echoed.get()
                    + "', not the requested '" + request.profile().get() + "'; nothing was validated or issued.");
        }
    }
}
