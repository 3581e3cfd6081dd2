package io.certfn.api;

import io.certfn.error.CertfnException;
import java.time.Duration;
import java.util.List;

/**
 * {@code 503 order_pending}: the order is still running and the client did not say it understands
 * {@code 202} answers (docs/design.md §2). A non-2xx, so a client that never checks the status — every
 * documented le-cert-server client — writes no empty certificate file.
 */
public class OrderPendingException extends CertfnException {

    public OrderPendingException(List<String> names, Duration retryAfter) {
        super(503, "order_pending", "The certificate for " + String.join(", ", names)
                + " is still being ordered; ask again with the same body after Retry-After ("
                + ProblemMapper.seconds(retryAfter) + " s). The order keeps running and the next request resumes it"
                + " (send 'Prefer: respond-async' to get 202 Accepted instead of this 503).", null, retryAfter);
    }

    @Override
    public String title() {
        return "Order pending";
    }
}
