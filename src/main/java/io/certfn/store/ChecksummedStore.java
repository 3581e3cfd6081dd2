package io.certfn.store;

import io.certfn.crypto.Hashes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Wraps a backend so every object certfn writes carries its length, a SHA-256 of its payload
 * and a random write id, in one header line before the payload:
 * {@code certfn-object v1 sha256=<hex> length=<n> write=<hex>}.
 *
 * <ul>
 * <li>A truncated or corrupt object is never handed to certfn: it is copied to
 * {@code quarantine/<key>.<millis>} for inspection, deleted, reported in the log, and read as
 * absent, so whatever it held is rebuilt (a certificate is re-issued).</li>
 * <li>The write id makes every write's bytes unique, so backends whose version is a content
 * hash (S3's ETag) never give two writes one version.</li>
 * <li>When a conditional write is refused but the object holds this very write (the backend
 * applied it and then lost the answer, and a retry hit its own write), the write is reported
 * as done.</li>
 * </ul>
 */
public final class ChecksummedStore implements ObjectStore {

    private static final Logger LOG = Logger.getLogger(ChecksummedStore.class);
    private static final String MAGIC = "certfn-object v1 ";
    private static final int MAX_HEADER = 200;
    private static final int READ_ATTEMPTS = 3;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ObjectStore backend;
    private final Clock clock;

    public ChecksummedStore(ObjectStore backend, Clock clock) {
        this.backend = backend;
        this.clock = clock;
    }

    @Override
    public Optional<Versioned> get(String key) {
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            Optional<Versioned> raw = backend.get(key);
            if (raw.isEmpty()) {
                return raw;
            }
            Frame frame = Frame.parse(raw.get().data());
            if (frame.problem == null) {
                return Optional.of(new Versioned(frame.payload, raw.get().version()));
            }
            quarantine(key, raw.get(), frame.problem);
        }
        throw new StorageUnavailableException("The store object " + key + " is corrupt and could not be removed", null);
    }

    /**
     * Reads an object an operator may have put into the store by hand (the policy): framed
     * objects are verified, unframed ones are returned as they are.
     */
    public Optional<byte[]> getExternal(String key) {
        return backend.get(key).map(raw -> {
            if (!startsWithMagic(raw.data())) {
                return raw.data();
            }
            Frame frame = Frame.parse(raw.data());
            if (frame.problem != null) {
                throw new StorageUnavailableException("The store object " + key + " is corrupt: " + frame.problem, null);
            }
            return frame.payload;
        });
    }

    @Override
    public Optional<String> putIfAbsent(String key, byte[] data) {
        String writeId = newWriteId();
        Optional<String> version = backend.putIfAbsent(key, Frame.encode(data, writeId));
        return version.isPresent() ? version : ownWrite(key, writeId);
    }

    @Override
    public Optional<String> putIfVersion(String key, byte[] data, String version) {
        String writeId = newWriteId();
        Optional<String> written = backend.putIfVersion(key, Frame.encode(data, writeId), version);
        return written.isPresent() ? written : ownWrite(key, writeId);
    }

    @Override
    public boolean deleteIfVersion(String key, String version) {
        return backend.deleteIfVersion(key, version);
    }

    @Override
    public List<String> list(String prefix) {
        return backend.list(prefix);
    }

    @Override
    public List<String> listThrough(String prefix, String last) {
        return backend.listThrough(prefix, last);
    }

    private Optional<String> ownWrite(String key, String writeId) {
        return backend.get(key)
                .filter(current -> writeId.equals(Frame.parse(current.data()).writeId))
                .map(Versioned::version);
    }

    /**
     * Keeps a copy of a corrupt object for inspection, then removes it so its content is rebuilt.
     * The object is removed only once the copy is stored: a failed copy is an outage, not a loss.
     */
    private void quarantine(String key, Versioned corrupt, String problem) {
        String copy = StoreKeys.check("quarantine/" + key + "." + clock.millis());
        boolean copied;
        try {
            copied = backend.putIfAbsent(copy, corrupt.data()).isPresent();
        } catch (RuntimeException e) {
            throw new StorageUnavailableException("The store object " + key + " is corrupt (" + problem + ") and could not be "
                    + "copied to " + copy + " before it is rebuilt: " + e.getMessage(), e);
        }
        if (!copied) {
            throw new StorageUnavailableException("The store object " + key + " is corrupt (" + problem + ") and " + copy
                    + " already exists, so it is kept as it is for now", null);
        }
        boolean removed = backend.deleteIfVersion(key, corrupt.version());
        LOG.errorf("Store object %s (version %s) is corrupt: %s. Copied to %s; %s; its content will be rebuilt.",
                key, corrupt.version(), problem, copy, removed ? "removed" : "already replaced by another writer");
    }

    private static String newWriteId() {
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    private static boolean startsWithMagic(byte[] data) {
        byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);
        return data.length >= magic.length && Arrays.equals(data, 0, magic.length, magic, 0, magic.length);
    }

    /** One object's header and payload; {@code problem} says why it cannot be trusted, null when it can. */
    private record Frame(byte[] payload, String writeId, String problem) {

        static byte[] encode(byte[] payload, String writeId) {
            String header = MAGIC + "sha256=" + Hashes.sha256Hex(payload) + " length=" + payload.length
                    + " write=" + writeId + "\n";
            byte[] head = header.getBytes(StandardCharsets.US_ASCII);
            byte[] framed = Arrays.copyOf(head, head.length + payload.length);
            System.arraycopy(payload, 0, framed, head.length, payload.length);
            return framed;
        }

        static Frame parse(byte[] data) {
            if (!startsWithMagic(data)) {
                return bad("it has no certfn header");
            }
            int newline = -1;
            for (int i = 0; i < Math.min(data.length, MAX_HEADER); i++) {
                if (data[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            if (newline < 0) {
                return bad("its header is cut off");
            }
            String[] fields = new String(data, MAGIC.length(), newline - MAGIC.length(), StandardCharsets.US_ASCII).split(" ");
            if (fields.length != 3 || !fields[0].startsWith("sha256=") || !fields[1].startsWith("length=")
                    || !fields[2].startsWith("write=")) {
                return bad("its header is malformed");
            }
            byte[] payload = Arrays.copyOfRange(data, newline + 1, data.length);
            String expectedLength = fields[1].substring("length=".length());
            if (!expectedLength.equals(Integer.toString(payload.length))) {
                return bad("it holds " + payload.length + " bytes but was written with " + expectedLength);
            }
            byte[] expected = HexFormat.of().parseHex(hexOrEmpty(fields[0].substring("sha256=".length())));
            if (!MessageDigest.isEqual(expected, Hashes.sha256(payload))) {
                return bad("its SHA-256 does not match the one written with it");
            }
            return new Frame(payload, fields[2].substring("write=".length()), null);
        }

        private static String hexOrEmpty(String hex) {
            return hex.matches("[0-9a-f]{64}") ? hex : "";
        }

        private static Frame bad(String problem) {
            return new Frame(null, null, problem);
        }
    }
}
