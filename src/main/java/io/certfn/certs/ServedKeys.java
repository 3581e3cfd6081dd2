package io.certfn.certs;

import io.certfn.identity.Caller;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Key custody's audit (docs/design.md §4): who received which private key. Every answer carrying a key is
 * counted; the first one per caller and certificate in each {@code certfn.audit.served-window} is
 * written at once ({@code event=served caller=… names=… serial=…}), the rest of that window as one
 * line with {@code repeats=N} when it ends. A line per answer would cost the warm path half its
 * throughput and flood the log of a fleet that asks every minute, while saying nothing more.
 */
@Singleton
public class ServedKeys {

    /** Who received which key; records hash cheaply on the warm path, the text is built once per window. */
    private record Key(String issuer, String subject, String serial) {
    }

    /** A key's recipient as the audit names it, and the answers since the first of the window (negative once the window closed). */
    private record Count(String caller, List<String> names, String serial, AtomicLong repeats) {
    }

    private final Duration window;
    private final Map<Key, Count> counts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    @Inject
    public ServedKeys(AuditConfig config) {
        this(config.servedWindow());
    }

    ServedKeys(Duration window) {
        this.window = window;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "certfn-audit");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, window.toMillis());
        flusher.scheduleAtFixedRate(this::flush, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** {@code cert} and its key were handed to {@code caller}; nothing is recorded without a private key (CSR mode). */
    public void served(Caller caller, StoredCertificate cert) {
        if (cert.privateKey() == null) {
            return;
        }
        Key key = new Key(caller.issuer(), caller.subject(), cert.serial());
        while (true) {
            Count count = counts.get(key);
            if (count == null) {
                Count first = new Count(caller.describe(), cert.names(), cert.serial(), new AtomicLong());
                if (counts.putIfAbsent(key, first) == null) {
                    AuditLog.served(first.caller(), first.names(), first.serial(), 0, window);
                    return;
                }
            } else if (count.repeats().getAndIncrement() >= 0) {
                return;
            }
            // The window ended between the look and the count (its line is written): count in the next one.
        }
    }

    /** Ends the window: writes the repeats counted since each first line, and starts afresh. */
    @PreDestroy
    void flush() {
        for (Key key : List.copyOf(counts.keySet())) {
            Count count = counts.remove(key);
            if (count == null) {
                continue;
            }
            // Closed for good: an answer counting into it from now on sees it closed and counts in the next window.
            long repeats = count.repeats().getAndSet(Long.MIN_VALUE);
            if (repeats > 0) {
                AuditLog.served(count.caller(), count.names(), count.serial(), repeats, window);
            }
        }
    }
}
