package io.certfn.dns;

/**
 * One DNS-01 TXT record: {@code name} is absolute without the trailing dot, e.g.
 * {@code _acme-challenge.example.com}; {@code value} is the key authorization digest.
 */
public record ChallengeRecord(String name, String value) {
}
