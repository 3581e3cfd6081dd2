package io.certfn.policy;

import io.certfn.crypto.KeySealer;
import io.certfn.store.ChecksummedStore;
import io.certfn.store.StoreKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where {@code certfn.policy} comes from, and how it is read (again). A policy in the store is
 * accepted only with {@code <key>.hmac}: the MAC of its bytes made with the data key ({@link
 * KeySealer#mac}, label {@value #MAC_LABEL}; {@code client/certfn-policy-mac} makes it). Whoever may
 * write one object to the bucket (a backup role, a replication job) holds no data key, so cannot
 * grant themselves every name; the policy is the key to every private key.
 */
public abstract class PolicySource {

    /** The label the policy's MAC key is derived with from the data key. */
    public static final String MAC_LABEL = "certfn policy mac v1";

    private byte[] lastRead;

    /** The source {@code setting} names; {@code store} and {@code sealer} serve {@code store:<key>}. */
    static PolicySource of(Optional<String> setting, ChecksummedStore store, KeySealer sealer) {
        if (setting.isEmpty() || setting.get().isBlank()) {
            return new Fixed(Policy.allowAll(), "no policy");
        }
        String value = setting.get().strip();
        if (value.startsWith("store:")) {
            return new InStore(value.substring("store:".length()), store, sealer);
        }
        if (value.startsWith("{") || value.contains("rules:") || value.contains("\n")) {
            return new Fixed(parse(value.getBytes(StandardCharsets.UTF_8), "certfn.policy (inline)"), "certfn.policy (inline)");
        }
        return new InFile(Path.of(value));
    }

    /** For messages, e.g. {@code store:policy.json}. */
    abstract String describe();

    /** True when the source can change while certfn runs (a file, the store). */
    abstract boolean changes();

    /** The policy's bytes as they are now, authenticated where the source requires it. */
    abstract byte[] read() throws IOException;

    /**
     * The policy at start-up.
     *
     * @throws IllegalStateException naming {@code certfn.policy} and what is wrong
     */
    Policy load() {
        try {
            byte[] data = read();
            Policy policy = parse(data, describe());
            lastRead = data;
            return policy;
        } catch (IOException e) {
            throw new IllegalStateException("certfn.policy: cannot read " + describe() + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("certfn.policy: " + e.getMessage(), e);
        }
    }

    /**
     * The policy when its bytes changed since the last read; empty when they did not.
     *
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException when it is not authentic or not a valid policy
     */
    synchronized Optional<Policy> reloadIfChanged() throws IOException {
        byte[] data = read();
        if (lastRead != null && Arrays.equals(data, lastRead)) {
            return Optional.empty();
        }
        Policy policy = parse(data, describe());
        lastRead = data;
        return Optional.of(policy);
    }

    private static Policy parse(byte[] data, String source) {
        return PolicyParser.parse(new String(data, StandardCharsets.UTF_8), source);
    }

    /** Inline text, or no policy: read once. */
    private static final class Fixed extends PolicySource {
        private final Policy policy;
        private final String name;

        Fixed(Policy policy, String name) {
            this.policy = policy;
            this.name = name;
        }

        @Override
        Policy load() {
            return policy;
        }

        @Override
        String describe() {
            return name;
        }

        @Override
        boolean changes() {
            return false;
        }

        @Override
        byte[] read() {
            throw new UnsupportedOperationException("an inline policy is not read again");
        }
    }

    private static final class InFile extends PolicySource {
        private final Path file;

        InFile(Path file) {
            this.file = file;
        }

        @Override
        String describe() {
            return file.toString();
        }

        @Override
        boolean changes() {
            return true;
        }

        @Override
        byte[] read() throws IOException {
            return Files.readAllBytes(file);
        }
    }

    private static final class InStore extends PolicySource {
        private final String key;
        private final ChecksummedStore store;
        private final KeySealer sealer;

        InStore(String key, ChecksummedStore store, KeySealer sealer) {
            this.key = checkKey(key);
            this.store = store;
            this.sealer = sealer;
            if (!sealer.enabled()) {
                throw new IllegalStateException("certfn.policy=store:" + key + " needs certfn.store.encryption-key: a policy read"
                        + " from the store is accepted only with " + key + ".hmac, made with the data key, because whoever may write"
                        + " to the store could otherwise grant themselves every name. Set the data key and upload the MAC"
                        + " (client/certfn-policy-mac), or give the policy inline or as a file (e.g. from the cloud's secret store).");
            }
        }

        private static String checkKey(String key) {
            try {
                return StoreKeys.check(key);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("certfn.policy: store:" + key + " is not a valid store key: " + e.getMessage(), e);
            }
        }

        @Override
        String describe() {
            return "store:" + key;
        }

        @Override
        boolean changes() {
            return true;
        }

        @Override
        byte[] read() {
            // An operator uploads the policy and its MAC by hand, so they carry no certfn header.
            byte[] data = store.getExternal(key).orElseThrow(() -> new IllegalArgumentException("the store has no object '" + key + "'"));
            String mac = store.getExternal(key + ".hmac").map(b -> new String(b, StandardCharsets.US_ASCII))
                    .orElseThrow(() -> new IllegalArgumentException("the store has '" + key + "' but no '" + key + ".hmac': a policy"
                            + " from the store is accepted only with the MAC made with the data key (client/certfn-policy-mac " + key
                            + "), so that write access to the store is not access to every key"));
            if (!sealer.verifiesMac(MAC_LABEL, data, mac)) {
                throw new IllegalArgumentException("'" + key + ".hmac' does not match '" + key + "' under the data key (id "
                        + sealer.currentKeyId() + ") or the previous one: the policy was changed by someone without the data key,"
                        + " or its MAC was made with another key. It is refused; make the MAC again with client/certfn-policy-mac.");
            }
            return data;
        }
    }
}
