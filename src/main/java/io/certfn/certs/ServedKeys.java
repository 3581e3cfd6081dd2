package io.certfn.certs;

import io.certfn.auth.Caller;
import io.certfn.config.CertfnConfig;
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
 * Key custody's audit (DESIGN §4): who received which private key. Every answer carrying a key is
 * counted; the first one per caller and certificate in each {@code certfn.audit.served-window} is
 * written at once ({@code event=served caller=… names=… serial=…}), the rest of that window as one
 * line with {@code repeats=N} when it ends. A line per answer would cost the warm path half its
 * throughput and flood the log of a fleet that asks every minute, while saying nothing more.
 */
@Singleton
public class ServedKeys {

    private final Duration window;
    /** Answers since the first of the window, per "caller=… names=… serial=…". */
    private final Map<String, AtomicLong> repeats = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    @Inject
    public ServedKeys(CertfnConfig config) {
        this(config.audit().servedWindow());
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

    /** {@code cert} was handed to {@code caller} for {@code names}; nothing is recorded without a private key (CSR mode). */
    public void served(Caller caller, List<String> names, StoredCertificate cert) {
        if (cert.privateKey() == null) {
            return;
        }
        String who = "caller=" + caller.describe() + " names=" + String.join(",", DomainNames.sorted(names)) + " serial=" + cert.serial();
        AtomicLong count = repeats.get(who);
        if (count == null) {
            count = repeats.putIfAbsent(who, new AtomicLong());
            if (count == null) {
                AuditLog.served(who, 0, window);
                return;
            }
        }
        count.incrementAndGet();
    }

    /** Ends the window: writes the repeats counted since each first line, and starts afresh. */
    @PreDestroy
    void flush() {
        for (String who : List.copyOf(repeats.keySet())) {
            AtomicLong count = repeats.remove(who);
            if (count != null && count.get() > 0) {
                AuditLog.served(who, count.get(), window);
            }
        }
    }
}
