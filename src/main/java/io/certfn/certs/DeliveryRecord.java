package io.certfn.certs;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one certificate was delivered, kept beside it in the store ({@code certs/<id>/delivery.json}):
 * per target key, the serial last tried, how it went, and the id of what holds the certificate there
 * — kept through failures, since the next delivery replaces exactly that (the same ACM ARN).
 */
// Read and written as JSON in the store: kept for Jackson in a native image explicitly.
@RegisterForReflection
public record DeliveryRecord(Map<String, Entry> targets) {

    /** One target: {@code status} delivered or failed for {@code serial}; {@code id} of the last success. */
    @RegisterForReflection
    public record Entry(String serial, String status, String id, String detail, Instant at) {

        boolean delivered(String currentSerial) {
            return DeliveryStatus.DELIVERED.equals(status) && currentSerial.equals(serial);
        }
    }

    public DeliveryRecord {
        targets = targets == null ? Map.of() : Map.copyOf(targets);
    }

    static DeliveryRecord empty() {
        return new DeliveryRecord(Map.of());
    }

    DeliveryRecord with(String target, Entry entry) {
        Map<String, Entry> updated = new LinkedHashMap<>(targets);
        updated.put(target, entry);
        return new DeliveryRecord(updated);
    }

    /** What the answer says about {@code target} for the certificate with {@code serial}. */
    DeliveryStatus statusOf(String target, String serial) {
        Entry entry = targets.get(target);
        if (entry == null || !serial.equals(entry.serial())) {
            return new DeliveryStatus(target, DeliveryStatus.PENDING, null, null);
        }
        return DeliveryStatus.DELIVERED.equals(entry.status()) ? new DeliveryStatus(target, DeliveryStatus.DELIVERED, entry.id(), null)
                : new DeliveryStatus(target, DeliveryStatus.FAILED, null, entry.detail());
    }
}
