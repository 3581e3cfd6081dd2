package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RenewalScheduleTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final RenewalSchedule schedule = new RenewalSchedule(1.0 / 3, 0.1);

    @Test
    void withoutAriRenewsWhenAThirdOfTheLifetimeRemains() {
        // 45-day and 160-hour lifetimes: never a fixed day count.
        assertEquals(T0.plus(Duration.ofDays(30)), schedule.renewAfter(T0, T0.plus(Duration.ofDays(45)), Optional.empty()));
        Instant shortLived = schedule.renewAfter(T0, T0.plus(Duration.ofHours(160)), Optional.empty());
        assertEquals(T0.plus(Duration.ofMinutes(6400)), shortLived);
    }

    @Test
    void thePointTheCasWindowSuggestsIsFollowed() {
        Instant suggested = T0.plus(Duration.ofDays(20));
        assertEquals(suggested, schedule.renewAfter(T0, T0.plus(Duration.ofDays(45)), Optional.of(suggested)));
    }

    @Test
    void emergencyFloorBeatsALateAriWindow() {
        Instant notAfter = T0.plus(Duration.ofDays(100));
        Instant chosen = schedule.renewAfter(T0, notAfter,
                Optional.of(notAfter.minus(Duration.ofDays(1))));
        assertEquals(notAfter.minus(Duration.ofDays(10)), chosen);
    }

    @Test
    void aCertificateFromAnotherDirectoryIsDueAtOnceOneFromTheConfiguredOneOrOfUnknownOriginIsNot() {
        StoredCertificate fromCa = cert(T0.plus(Duration.ofDays(30)));
        RenewalSchedule production = new RenewalSchedule(1.0 / 3, 0.1, "https://production/directory");
        assertTrue(production.isDue(fromCa, T0), "issued by https://ca/directory: after a switch of CA, never served");
        assertFalse(new RenewalSchedule(1.0 / 3, 0.1, "https://ca/directory").isDue(fromCa, T0));
        StoredCertificate legacy = new StoredCertificate(List.of("a.example"), "ec256", "", "", null, T0, T0.plus(Duration.ofDays(45)),
                T0.plus(Duration.ofDays(30)), "01", T0, "https://ca/order/1", null, null, null, null, null, null);
        assertFalse(production.isDue(legacy, T0), "stored before the directory was recorded: nothing says it is another CA's");
    }

    @Test
    void dueAtRenewAfterNotBefore() {
        StoredCertificate cert = cert(T0.plus(Duration.ofDays(30)));
        assertFalse(schedule.isDue(cert, T0.plus(Duration.ofDays(30)).minusMillis(1)));
        assertTrue(schedule.isDue(cert, T0.plus(Duration.ofDays(30))));
        assertTrue(schedule.isDue(cert, T0.plus(Duration.ofDays(31))));
    }

    @Test
    void emergencyFloorMakesDueEvenWithAStoredLateRenewAfter() {
        StoredCertificate cert = cert(T0.plus(Duration.ofDays(45)));
        Instant floor = T0.plus(Duration.ofDays(45)).minus(Duration.ofMillis((long) (Duration.ofDays(45).toMillis() * 0.1)));
        assertFalse(schedule.isDue(cert, floor.minusMillis(1)));
        assertTrue(schedule.isDue(cert, floor));
    }

    @Test
    void sharesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new RenewalSchedule(1.5, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new RenewalSchedule(0.3, 0.5));
    }

    private static StoredCertificate cert(Instant renewAfter) {
        return new StoredCertificate(List.of("a.example"), "ec256", "", "", null, T0, T0.plus(Duration.ofDays(45)),
                renewAfter, "01", T0, "https://ca/order/1", "https://ca/directory", "https://ca/acct/1", null, null, null, null);
    }
}
