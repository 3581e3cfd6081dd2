package io.certfn.api;

import io.certfn.metrics.CertfnMetrics;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.Set;

/**
 * Counts every API answer by endpoint, outcome and problem code ({@code certfn_requests_total}).
 * Only certfn's own routes are labels; anything else is {@code other}, so a scanner cannot grow the
 * series. Counted, not timed: a timer cost the warm path a measurable share (bench/README.md), and
 * every platform already times requests (Lambda's Duration, Cloud Run's request latencies).
 */
@Provider
public class RequestMetrics implements ContainerResponseFilter {
    private static final Set<String> ENDPOINTS = Set.of("/api/certificate", "/api/certificate/renew", "/api/certificate/revoke",
            "/api/renewals");

    private final CertfnMetrics metrics;

    public RequestMetrics(CertfnMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (response.getStatus() == 200 && path.equals("/api/certificate")) {
            metrics.certificateServed();
            return;
        }
        if (!path.startsWith("/api/")) {
            return;
        }
        String code = response.getEntity() instanceof Problem problem ? problem.code() : "none";
        metrics.request(ENDPOINTS.contains(path) ? path : "other", outcome(response.getStatus()), code);
    }

    /** ok (200), pending (202), rejected (4xx: the caller's to fix) or failed (5xx: certfn's or a service's). */
    static String outcome(int status) {
        if (status == 202) {
            return "pending";
        }
        if (status >= 500) {
            return "failed";
        }
        return status >= 400 ? "rejected" : "ok";
    }
}
