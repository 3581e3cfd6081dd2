package io.certfn.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** The {@code 202} body: the order is still running; ask again after {@code Retry-After}. */
// Returned inside a Response, which a native build cannot see through: kept for Jackson explicitly.
@RegisterForReflection
public record PendingResponse(String status, String domain, List<String> domains) {

    static PendingResponse of(List<String> names) {
        return new PendingResponse("pending", names.get(0), names);
    }
}
