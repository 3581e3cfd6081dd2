package io.certfn.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Waits until every authoritative server of a record's zone answers with the record's value,
 * asking them directly (never a recursive resolver's cache), so the CA's lookup finds it.
 */
public final class PropagationCheck {

    private static final Duration POLL = Duration.ofMillis(100);

    private PropagationCheck() {
    }

    /**
     * Blocks until each record is visible at all of {@code provider}'s authoritative servers.
     *
     * @throws DnsException naming the records and servers still missing when {@code timeout} ends
     * @throws InterruptedException when interrupted while waiting
     */
    public static void await(DnsProvider provider, Collection<ChallengeRecord> records, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<String> missing = new ArrayList<>();
        while (true) {
            missing.clear();
            for (ChallengeRecord record : records) {
                for (InetSocketAddress server : provider.authoritativeServers(record)) {
                    if (!answers(server, record)) {
                        missing.add(record.name() + " at " + server.getHostString() + ":" + server.getPort());
                    }
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new DnsException("The challenge TXT record did not become visible within " + timeout.toSeconds()
                        + " s: " + String.join(", ", missing) + ".");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    static boolean answers(InetSocketAddress server, ChallengeRecord record) {
        try {
            SimpleResolver resolver = new SimpleResolver(server);
            resolver.setTimeout(Duration.ofSeconds(2));
            Name name = Name.fromString(record.name(), Name.root);
            Message response = resolver.send(Message.newQuery(Record.newRecord(name, Type.TXT, DClass.IN)));
            if (response.getRcode() != Rcode.NOERROR) {
                return false;
            }
            for (Record answer : response.getSection(Section.ANSWER)) {
                if (answer instanceof TXTRecord txt && txt.getStrings().contains(record.value())) {
                    return true;
                }
            }
            return false;
        } catch (TextParseException e) {
            throw new DnsException("'" + record.name() + "' is not a valid DNS name.", e);
        } catch (IOException e) {
            return false;
        }
    }
}
