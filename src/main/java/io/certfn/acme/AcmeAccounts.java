package io.certfn.acme;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.crypto.KeySealer;
import io.certfn.store.ObjectStore;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The ACME accounts certfn orders with, one per CA of {@code certfn.acme.directory} in its order
 * (the first is asked first; the others when it cannot be reached, fails or rate-limits). Each
 * CA has its own account and its own EAB credentials: the {@code certfn.acme.eab.*} values are
 * comma-separated in the same order (an empty place: no EAB for that CA; one value: the first CA's).
 */
@Singleton
public class AcmeAccounts {

    private final List<AcmeAccount> accounts;

    public AcmeAccounts(AcmeConfig config, ObjectStore store, KeySealer sealer, ObjectMapper json) {
        List<String> directories = directories(config.directory());
        int eabs = Math.max(values(config.eab().kid()).size(), values(config.eab().hmacKey()).size());
        if (eabs > directories.size()) {
            throw new IllegalStateException("certfn.acme.eab.kid / hmac-key list " + eabs + " values for " + directories.size()
                    + " CA(s) of certfn.acme.directory: one place per CA, in the same order (leave a place empty for a CA without EAB)");
        }
        List<AcmeAccount> built = new ArrayList<>();
        for (int i = 0; i < directories.size(); i++) {
            built.add(new AcmeAccount(directories.get(i), eab(config.eab(), i), config.email(), config.trustStore(),
                    store, sealer, json));
        }
        this.accounts = List.copyOf(built);
        long distinct = accounts.stream().map(AcmeAccount::directory).distinct().count();
        if (distinct != accounts.size()) {
            throw new IllegalStateException("certfn.acme.directory names one CA twice: " + config.directory());
        }
    }

    /** Every account forgets its sessions and key (see {@link AcmeAccount#forgetSessions()}). */
    public void forgetSessions() {
        accounts.forEach(AcmeAccount::forgetSessions);
    }

    /** The accounts, in the order their CAs are asked. */
    public List<AcmeAccount> all() {
        return accounts;
    }

    /** The CAs of {@code certfn.acme.directory}, as written, in order. */
    public static List<String> directories(String configured) {
        List<String> directories = values(Optional.ofNullable(configured)).stream().filter(d -> !d.isEmpty()).toList();
        if (directories.isEmpty()) {
            throw new IllegalStateException("certfn.acme.directory is empty: set the CA's ACME directory URL");
        }
        return directories;
    }

    /** The EAB settings of the {@code index}-th CA. */
    static AcmeAccount.Eab eab(AcmeConfig.Eab eab, int index) {
        List<String> algorithms = values(Optional.of(eab.macAlgorithm()));
        String algorithm = algorithms.size() > index && !algorithms.get(index).isEmpty() ? algorithms.get(index) : algorithms.get(0);
        return new AcmeAccount.Eab(at(eab.kid(), index), at(eab.hmacKey(), index), algorithm);
    }

    private static Optional<String> at(Optional<String> list, int index) {
        List<String> values = values(list);
        return values.size() > index && !values.get(index).isEmpty() ? Optional.of(values.get(index)) : Optional.empty();
    }

    private static List<String> values(Optional<String> list) {
        return list.map(v -> Arrays.stream(v.split(",", -1)).map(String::strip).toList()).orElse(List.of());
    }
}
