package io.certfn.acme;

import java.time.Instant;

/** The renewal window a CA suggests through ARI (RFC 9773). */
public record RenewalWindow(Instant start, Instant end) {
}
