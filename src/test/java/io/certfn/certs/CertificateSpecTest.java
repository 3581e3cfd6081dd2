package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.crypto.KeyType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The server's default profile is ordered but is not the certificate's identity; a requested one is both. */
class CertificateSpecTest {

    private static CertificateSpec spec(Optional<String> requested, Optional<String> serverDefault) {
        return new CertificateSpec(List.of("b.certfn.test", "a.certfn.test"), KeyType.EC256, Optional.empty(), requested, serverDefault);
    }

    @Test
    void aRequestWithoutProfileKeepsItsIdWhateverTheDefaultAndOrdersTheDefault() {
        CertificateSpec before = spec(Optional.empty(), Optional.empty());
        CertificateSpec after = spec(Optional.empty(), Optional.of("shortlived"));
        assertEquals(before.storageId(), after.storageId());
        assertEquals(Optional.empty(), before.orderProfile());
        assertEquals(Optional.of("shortlived"), after.orderProfile());
        assertEquals(Optional.empty(), after.profile());
    }

    @Test
    void aRequestedProfileIsItsOwnCertificateAndWinsOverTheDefault() {
        CertificateSpec requested = spec(Optional.of("classic"), Optional.of("shortlived"));
        assertNotEquals(spec(Optional.empty(), Optional.of("shortlived")).storageId(), requested.storageId());
        assertEquals(Optional.of("classic"), requested.orderProfile());
        assertEquals(List.of(), requested.legacyStorageIds(), "no earlier release stored a requested profile elsewhere");
    }

    @Test
    void earlierIdsOfARequestWithoutProfileAreTheShortHashThenTheDefaultProfilesId() {
        CertificateSpec after = spec(Optional.empty(), Optional.of("shortlived"));
        List<String> legacy = after.legacyStorageIds();
        assertEquals(2, legacy.size(), legacy.toString());
        assertTrue(legacy.get(0).matches("a\\.certfn\\.test-[0-9a-f]{16}"), legacy.get(0));
        assertEquals(spec(Optional.of("shortlived"), Optional.empty()).storageId(), legacy.get(1),
                "where a release before 2026-12-07 stored it: under the default profile's id");
        assertEquals(List.of(legacy.get(0)), spec(Optional.empty(), Optional.empty()).legacyStorageIds());
    }
}
