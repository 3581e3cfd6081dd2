package io.certfn.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The DNS APIs that hold all TXT values of one name in one record set (Route 53, Azure DNS,
 * Cloud DNS): a value is added or removed by reading the set and writing it back changed, with
 * the API's own optimistic concurrency (ETag, exact-match delete) so that two orders touching one
 * name at once — a wildcard and its apex share {@code _acme-challenge} — never drop each
 * other's value.
 */
public abstract class TxtRecordSetProvider implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(TxtRecordSetProvider.class);
    private static final int ATTEMPTS = 10;

    private final Object[] stripes = new Object[32];

    protected TxtRecordSetProvider() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    /** A record set as read: its values and whatever the API needs to write it back conditionally (null: absent). */
    public record RecordSet(List<String> values, Object version) {
    }

    private volatile List<HostedZone> zones;

    /**
     * The zone configured for every name, if any: then nothing is looked up. Its name is the
     * apex where the configuration gives one, else the API's id (only the id is used to write).
     */
    protected abstract Optional<HostedZone> configuredZone(String fqdn);

    /** Every zone the API offers; asked once, then kept. */
    protected abstract List<HostedZone> listZones();

    /** Which zones {@link #listZones} lists, for the error when none holds a name. */
    protected abstract String zoneSource();

    /** The TXT record set at {@code fqdn}; empty values and a null version when there is none. */
    protected abstract RecordSet read(HostedZone zone, String fqdn);

    /**
     * Replaces the set read as {@code current} with {@code values} (none: delete the set).
     *
     * @return false when the set changed since it was read (the caller reads again)
     */
    protected abstract boolean write(HostedZone zone, String fqdn, RecordSet current, List<String> values);

    /** The provider's name for messages. */
    protected abstract String providerName();

    @Override
    public void publish(ChallengeRecord record) {
        change(record, true);
    }

    @Override
    public void remove(ChallengeRecord record) {
        change(record, false);
    }

    @Override
    public void prepare(String name) {
        zoneFor(name);
    }

    /** The provider lists its zones (a configured zone is taken as found: an order shows whether it is). */
    @Override
    public void check() {
        if (configuredZone("").isPresent()) {
            return;
        }
        List<HostedZone> listed = List.copyOf(listZones());
        if (listed.isEmpty()) {
            throw new DnsException(providerName() + ": none of the " + zoneSource() + " can be seen, so no challenge record can be written.");
        }
        zones = listed;
    }

    private void change(ChallengeRecord record, boolean add) {
        // Orders of one instance take turns per name; other instances meet the API's own lock.
        synchronized (stripes[Math.floorMod(record.name().hashCode(), stripes.length)]) {
            changeOnce(record, add);
        }
    }

    /** The configured zone, or the most specific listed zone holding {@code fqdn}. */
    private HostedZone zoneFor(String fqdn) {
        Optional<HostedZone> configured = configuredZone(fqdn);
        if (configured.isPresent()) {
            return configured.get();
        }
        List<HostedZone> known = zones;
        if (known == null) {
            zones = known = List.copyOf(listZones());
        }
        List<HostedZone> listed = known;
        return HostedZone.longestMatch(fqdn, listed).orElseThrow(() -> new DnsException(providerName() + ": none of the "
                + zoneSource() + " holds " + fqdn + " (zones: " + listed.stream().map(HostedZone::name).toList() + ")."));
    }

    private void changeOnce(ChallengeRecord record, boolean add) {
        HostedZone zone = zoneFor(record.name());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            RecordSet current = read(zone, record.name());
            boolean present = current.values().contains(record.value());
            if (present == add) {
                return;
            }
            List<String> values = new ArrayList<>(current.values());
            if (add) {
                values.add(record.value());
            } else {
                values.remove(record.value());
            }
            if (write(zone, record.name(), current, values)) {
                LOG.debugf("%s: %s TXT %s in zone %s", providerName(), add ? "added to" : "removed from", record.name(), zone.name());
                return;
            }
            LOG.debugf("%s: TXT %s changed concurrently; reading again", providerName(), record.name());
            // Jittered backoff, so instances that collided do not collide again in lockstep.
            try {
                Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(20, 100L * (attempt + 1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DnsException(providerName() + ": interrupted while changing TXT " + record.name(), e);
            }
        }
        throw new DnsException(providerName() + ": the TXT record set " + record.name() + " kept changing under certfn's "
                + (add ? "addition" : "removal") + " (" + ATTEMPTS + " attempts); another client is writing it.");
    }
}
