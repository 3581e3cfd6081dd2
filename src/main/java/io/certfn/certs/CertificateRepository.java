package io.certfn.certs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.acme.OrderCheckpoint;
import io.certfn.acme.PendingOrder;
import io.certfn.crypto.Hashes;
import io.certfn.crypto.KeySealer;
import io.certfn.crypto.Pem;
import io.certfn.store.ObjectStore;
import io.certfn.store.StoreKeys;
import io.certfn.store.Versioned;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Where one certificate's objects live: {@code certs/<id>/certificate.json} (key, chain and
 * metadata in one object), {@code certs/<id>/order.json} (the order in progress) and
 * {@code certs/<id>/lease}.
 *
 * <p>Longer than ~250 lines because it is the one place every certificate object's key and shape is
 * known: the certificate, its checkpoint, lease, failure record and due-index entry, the legacy-id
 * move and the reseal of keys; splitting it would spread the store layout over several classes.
 */
@Singleton
public class CertificateRepository {

    private static final Logger LOG = Logger.getLogger(CertificateRepository.class);

    /** A stored certificate and the store version it was read at. */
    public record Found(StoredCertificate certificate, String version) {
    }

    private final ObjectStore store;
    private final ObjectMapper json;
    private final KeySealer sealer;

    public CertificateRepository(ObjectStore store, ObjectMapper json, KeySealer sealer) {
        this.store = store;
        this.json = json;
        this.sealer = sealer;
    }

    /**
     * The stored certificate of {@code spec}, if there is a readable one; one a release before
     * 2026-12-07 stored under one of {@link CertificateSpec#legacyStorageIds()} is moved to its id first.
     *
     * @throws IllegalStateException when the object at the spec's id is for another identity
     *         (altered, or a hash collision): it is never served
     */
    public Optional<Found> find(CertificateSpec spec) {
        Optional<Found> found = findStored(spec);
        return found.isPresent() ? found : moveLegacy(spec);
    }

    /**
     * The stored certificate of {@code spec} under its id only, for the looks an order takes after
     * {@link #find(CertificateSpec)} (which moved any old object) started it: one read per look.
     *
     * @throws IllegalStateException as {@link #find(CertificateSpec)}
     */
    public Optional<Found> findStored(CertificateSpec spec) {
        Optional<Found> found = find(spec.storageId());
        found.ifPresent(f -> requireIdentity(f.certificate(), spec));
        return found;
    }

    /** The names, key type and (CSR mode) public key are compared, not only the id's hash. */
    private static void requireIdentity(StoredCertificate stored, CertificateSpec spec) {
        boolean sameNames = Set.copyOf(stored.names()).equals(Set.copyOf(spec.names()));
        boolean sameType = spec.storedKeyType().equals(stored.keyType());
        boolean sameKey = spec.csr().map(csr -> csr.spkiSha256().equals(spkiSha256(stored))).orElse(true);
        if (!sameNames || !sameType || !sameKey) {
            throw new IllegalStateException("The stored certificate " + spec.storageId() + " is for " + stored.names() + " ("
                    + stored.keyType() + "), not for " + spec.names() + " (" + spec.storedKeyType() + "); it is not served.");
        }
    }

    private static String spkiSha256(StoredCertificate stored) {
        return Hashes.sha256Hex(Pem.readCertificates(stored.certificate()).get(0).getPublicKey().getEncoded());
    }

    private Optional<Found> moveLegacy(CertificateSpec spec) {
        for (String legacy : spec.legacyStorageIds()) {
            Optional<Found> old = find(legacy);
            if (old.isPresent()) {
                requireIdentity(old.get().certificate(), spec);
                // Sealed again under the new object's key, then the old object goes; another instance doing the same is fine.
                save(spec.storageId(), old.get().certificate(), null);
                store.deleteIfVersion(certificateKey(legacy), old.get().version());
                checkpoint(legacy).discard();
                LOG.infof("Stored certificate %s moved to %s", legacy, spec.storageId());
                return findStored(spec);
            }
        }
        return Optional.empty();
    }

    /** The stored certificate {@code id}, if there is a readable one. */
    public Optional<Found> find(String id) {
        return find(id, names -> true);
    }

    /**
     * The certificate stored as {@code id}; its private key is opened only when {@code openKeyFor}
     * accepts its names, else it comes without one (the sweep decrypts nothing a caller may not renew).
     */
    public Optional<Found> find(String id, java.util.function.Predicate<java.util.List<String>> openKeyFor) {
        String key = certificateKey(id);
        Optional<Versioned> object = store.get(key);
        if (object.isEmpty()) {
            return Optional.empty();
        }
        StoredCertificate stored;
        try {
            stored = json.readValue(object.get().data(), StoredCertificate.class);
        } catch (IOException e) {
            // An unreadable object is never served; a new order replaces it.
            LOG.errorf("Stored certificate %s is unreadable and will be re-issued: %s", id, e.getMessage());
            return Optional.empty();
        }
        if (!openKeyFor.test(stored.names())) {
            return Optional.of(new Found(stored.withPrivateKey(null), object.get().version()));
        }
        Found found = new Found(stored.withPrivateKey(sealer.open(stored.privateKey(), key)), object.get().version());
        if (sealer.needsReseal(stored.privateKey())) {
            found = reseal(id, found);
        }
        return Optional.of(found);
    }

    /** Writes the key again under the current data key; another writer winning is fine, its object is current. */
    private Found reseal(String id, Found found) {
        try {
            byte[] data = write(sealed(certificateKey(id), found.certificate()));
            Optional<String> version = store.putIfVersion(certificateKey(id), data, found.version());
            if (version.isPresent()) {
                LOG.infof("Stored certificate %s: private key sealed again with the current encryption key", id);
                return new Found(found.certificate(), version.get());
            }
        } catch (RuntimeException e) {
            LOG.warnf("Stored certificate %s could not be sealed again now (it stays readable): %s", id, e.getMessage());
        }
        return found;
    }

    private StoredCertificate sealed(String key, StoredCertificate certificate) {
        return certificate.privateKey() == null ? certificate
                : certificate.withPrivateKey(sealer.seal(certificate.privateKey(), key));
    }

    /**
     * Writes the certificate if the stored one is still at {@code expectedVersion} (null: none).
     *
     * @return false when another instance wrote in between
     */
    public boolean save(String id, StoredCertificate certificate, String expectedVersion) {
        String key = certificateKey(id);
        byte[] data = write(sealed(key, certificate));
        // The due index first: a crash between the two leaves an extra entry (the sweep drops it), never a missing one.
        indexDue(id, certificate);
        Optional<String> written = expectedVersion == null
                ? store.putIfAbsent(key, data)
                : store.putIfVersion(key, data, expectedVersion);
        if (written.isEmpty() && expectedVersion != null && store.get(key).isEmpty()) {
            // Stored object was unreadable and then removed; create afresh.
            written = store.putIfAbsent(key, data);
        }
        return written.isPresent();
    }

    /**
     * The due index: one empty object per certificate at {@code due/<when>-<id>}, {@code when} the
     * certificate's next look — its {@code renewAfter}, or the CA's ARI {@code Retry-After} when that
     * comes first — as zero-padded epoch seconds, so that keys sort by time and a sweep lists only
     * up to now. Written before the certificate (see {@link #save}); an entry left by an older version
     * of a certificate is found stale by the sweep and removed.
     */
    public static String dueKey(String id, StoredCertificate certificate) {
        Instant when = certificate.renewAfter();
        if (certificate.ariCheckAfter() != null && certificate.ariCheckAfter().isBefore(when)) {
            when = certificate.ariCheckAfter();
        }
        return dueKey(id, when);
    }

    /** The index entry naming {@code id} for a look at {@code when}. */
    public static String dueKey(String id, Instant when) {
        return DUE_PREFIX + String.format("%012d", Math.max(0, when.getEpochSecond())) + "-" + id;
    }

    static final String DUE_PREFIX = "due/";
    /** Written once the due index holds every stored certificate (stores of releases before it had none). */
    public static final String DUE_INDEX_BUILT = "due-index.json";

    /** The index entries whose time has come at {@code now} (keys, several may name one certificate). */
    public java.util.List<String> dueEntries(Instant now) {
        return store.listThrough(DUE_PREFIX, dueKey("~", now)); // '~' sorts after every id
    }

    /** The certificate id an index entry names. */
    public static String idOfDueEntry(String entry) {
        return entry.substring(entry.indexOf('-', DUE_PREFIX.length()) + 1);
    }

    /** Whether the due index holds every stored certificate. */
    public boolean dueIndexBuilt() {
        return store.get(DUE_INDEX_BUILT).isPresent();
    }

    /** Adds {@code id}'s entry (building the index over a store an earlier release wrote). */
    public void indexDue(String id, StoredCertificate certificate) {
        if (!certificate.isRevoked()) {
            store.putIfAbsent(dueKey(id, certificate), new byte[0]);
        }
    }

    /** Every stored certificate has its entry now. */
    public void markDueIndexBuilt() {
        store.putIfAbsent(DUE_INDEX_BUILT, write(java.util.Map.of("builtAt", Instant.now().toString())));
    }

    /** Removes an index entry that no longer names its certificate's next look (or a certificate at all). */
    public void dropDueEntry(String entry) {
        store.get(entry).ifPresent(v -> store.deleteIfVersion(entry, v.version()));
    }

    /** The ids of every stored certificate. */
    public java.util.List<String> ids() {
        return store.list("certs/").stream()
                .filter(k -> k.endsWith("/certificate.json"))
                .map(k -> k.substring("certs/".length(), k.length() - "/certificate.json".length()))
                .toList();
    }

    /** The lease key guarding ordering of {@code id}. */
    public String leaseKey(String id) {
        return StoreKeys.of("certs", id, "lease");
    }

    /**
     * The order checkpoint of {@code id}. Its key pair is the issued certificate's private key, kept
     * for the whole order (and after a crash or a 202 until the order is resumed), so it is sealed
     * like every stored key, bound to the checkpoint's storage key.
     */
    public OrderCheckpoint checkpoint(String id) {
        String key = StoreKeys.of("certs", id, "order.json");
        return new OrderCheckpoint() {
            @Override
            public Optional<PendingOrder> load() {
                return store.get(key).flatMap(v -> {
                    try {
                        PendingOrder order = json.readValue(v.data(), PendingOrder.class);
                        PendingOrder opened = new PendingOrder(order.orderUrl(), sealer.open(order.keyPair(), key), order.createdAt(),
                                order.directory());
                        if (sealer.needsReseal(order.keyPair())) {
                            // Written in clear by an older release (or sealed with the previous key): sealed now, not when
                            // the order ends; another writer winning is fine, its checkpoint is current.
                            store.putIfVersion(key, write(new PendingOrder(order.orderUrl(), sealer.seal(opened.keyPair(), key),
                                    order.createdAt(), order.directory())), v.version());
                        }
                        return Optional.of(opened);
                    } catch (IOException e) {
                        LOG.warnf("Order checkpoint %s is unreadable; ignoring it: %s", key, e.getMessage());
                        return Optional.empty();
                    }
                });
            }

            @Override
            public void save(PendingOrder order) {
                byte[] data = write(order.keyPair() == null ? order
                        : new PendingOrder(order.orderUrl(), sealer.seal(order.keyPair(), key), order.createdAt(), order.directory()));
                Optional<Versioned> current = store.get(key);
                Optional<String> written = current.isEmpty()
                        ? store.putIfAbsent(key, data)
                        : store.putIfVersion(key, data, current.get().version());
                if (written.isEmpty()) {
                    throw new io.certfn.store.StorageUnavailableException("Order checkpoint " + key + " changed concurrently", null);
                }
            }

            @Override
            public void discard() {
                store.get(key).ifPresent(v -> store.deleteIfVersion(key, v.version()));
            }
        };
    }

    /**
     * The store key of the failure record of a set of names: one per name set, whatever the key
     * type, profile or CSR key (Let's Encrypt counts failed validations per name and account).
     */
    public static String failureKey(java.util.List<String> names) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.join(",", new java.util.TreeSet<>(names)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return StoreKeys.of("failures", java.util.HexFormat.of().formatHex(hash, 0, 16) + ".json");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The failures in a row of the last orders recorded under {@code key} ({@link #failureKey}), if the last one failed. */
    public Optional<FailureRecord> failure(String key) {
        return store.get(key).flatMap(v -> {
            try {
                return Optional.of(json.readValue(v.data(), FailureRecord.class));
            } catch (IOException e) {
                LOG.warnf("Failure record %s is unreadable; ignoring it: %s", key, e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** Records one more failed order under {@code key} (another instance writing at the same time may win: one record is enough). */
    public FailureRecord recordFailure(String key, java.util.function.UnaryOperator<FailureRecord> next) {
        Optional<Versioned> current = store.get(key);
        FailureRecord previous = current.flatMap(v -> {
            try {
                return Optional.of(json.readValue(v.data(), FailureRecord.class));
            } catch (IOException e) {
                return Optional.empty();
            }
        }).orElse(null);
        FailureRecord record = next.apply(previous);
        byte[] data = write(record);
        if (current.isEmpty()) {
            store.putIfAbsent(key, data);
        } else {
            store.putIfVersion(key, data, current.get().version());
        }
        return record;
    }

    /** Forgets the failures recorded under {@code key}: an order succeeded. */
    public void clearFailure(String key) {
        store.get(key).ifPresent(v -> store.deleteIfVersion(key, v.version()));
    }

    private static String certificateKey(String id) {
        return StoreKeys.of("certs", id, "certificate.json");
    }

    private byte[] write(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
