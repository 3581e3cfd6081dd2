package io.certfn.api;

import io.certfn.metrics.CertfnMetrics;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.Set;

/**
 * Counts and times every API answer by endpoint, outcome and problem code ({@code certfn_requests_seconds}).
 * Only certfn's own routes are labels; anything else is {@code other}, so a scanner cannot grow the series.
 */
@Provider
public class RequestMetrics implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String STARTED = "certfn.started";
    private static final Set<String> ENDPOINTS = Set.of("/api/certificate", "/api/certificate/renew", "/api/certificate/revoke",
            "/api/renewals");

    private final CertfnMetrics metrics;

    public RequestMetrics(CertfnMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/")) {
            return;
        }
        Object started = request.getProperty(STARTED);
        long nanos = started instanceof Long t ? System.nanoTime() - t : 0;
        String code = response.getEntity() instanceof Problem problem ? problem.code() : "none";
        metrics.request(ENDPOINTS.contains(path) ? path : "other", outcome(response.getStatus()), code, nanos);
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
