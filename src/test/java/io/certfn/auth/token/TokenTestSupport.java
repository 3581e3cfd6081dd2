package io.certfn.auth.token;

import io.certfn.testing.TestConfig;
import java.time.Clock;
import java.util.Map;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/** Builds verifiers from real {@code certfn.*} properties, and claims at a controllable time. */
final class TokenTestSupport {

    private TokenTestSupport() {
    }

    static TokenVerifier verifier(Map<String, String> properties, Clock clock) {
        TokenConfig config = TestConfig.of(TokenConfig.class, properties);
        return new TokenVerifier(IssuerPresets.from(config), config.jwks(), clock);
    }

    /** Claims valid for an hour from {@code clock}'s now. */
    static JwtClaims claims(Clock clock, String issuer, String audience, String subject) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(audience);
        claims.setSubject(subject);
        long now = clock.instant().getEpochSecond();
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setNotBefore(NumericDate.fromSeconds(now));
        claims.setExpirationTime(NumericDate.fromSeconds(now + 3600));
        claims.setGeneratedJwtId(); // every token distinct, so none is served from the verified-token cache by accident
        return claims;
    }
}
