package io.certfn.certs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One entry of an answer's {@code delivery} member (docs/design.md §2): a target, whether the
 * certificate being answered is there ({@code delivered}), not yet ({@code pending}: the next sweep
 * delivers it) or its delivery failed ({@code failed}: {@code detail} says why; the next sweep tries
 * again), and {@code id}, what holds it there (an ACM ARN, a Key Vault version, a Certificate
 * Manager resource).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Rendered by certfn's own ObjectMapper inside the answer: kept for Jackson explicitly.
@RegisterForReflection
public record DeliveryStatus(String target, String status, String id, String detail) {

    public static final String DELIVERED = "delivered";
    public static final String PENDING = "pending";
    public static final String FAILED = "failed";
}
