package io.certfn.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.error.CertfnException;
import io.certfn.identity.Caller;
import io.certfn.policy.DomainNotAllowedException;
import io.certfn.policy.PolicyRule;
import io.certfn.policy.PolicyService;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * On the cloud builds ({@code certfn.observe.requires-caller}) readiness and metrics answer only a
 * caller whose policy rule allows {@code observe}: {@code /q/metrics} names every certificate, its
 * expiry and which renewals fail; readiness names the store's and the CA's errors, and each look
 * may cost the store a read. {@code /healthz} and {@code /q/health/live} stay open for the
 * platforms' probes. The caller is checked as the API checks it (platform identity, API key,
 * token), on a worker thread since a token may need its issuer's keys; refusals are problem+json.
 */
@Singleton
public class ObserveGuard {

    private static final List<String> GUARDED = List.of("/q/metrics", "/q/health/ready", "/q/health/started");
    private static final List<String> OBSERVE = List.of("(observe)");

    private final boolean required;
    private final Admission admission;
    private final PolicyService policy;
    private final ObjectMapper json;

    public ObserveGuard(ObserveConfig config, Admission admission, PolicyService policy, ObjectMapper json) {
        this.required = config.requiresCaller();
        this.admission = admission;
        this.policy = policy;
        this.json = json;
    }

    void register(@Observes Filters filters) {
        if (!required) {
            return;
        }
        filters.register(ctx -> {
            if (!guarded(ctx.normalizedPath())) {
                ctx.next();
                return;
            }
            ctx.vertx().<Void>executeBlocking(() -> {
                admit(ctx.request().getHeader("Authorization"), ctx);
                return null;
            }, false).onComplete(result -> {
                if (result.succeeded()) {
                    ctx.next();
                } else if (result.cause() instanceof CertfnException refused) {
                    refuse(ctx, refused);
                } else {
                    ctx.fail(result.cause());
                }
            });
        }, 900);
    }

    /** {@code /q/health} itself holds readiness; {@code /q/health/live} is the process serving. */
    static boolean guarded(String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        return p.equals("/q/health") || GUARDED.stream().anyMatch(g -> p.equals(g) || p.startsWith(g + "/"));
    }

    private void admit(String authorization, RoutingContext ctx) {
        Caller caller = admission.authenticate(authorization, ctx.request(), OBSERVE);
        if (!policy.may(caller, PolicyRule.OBSERVE)) {
            throw new DomainNotAllowedException("The caller " + caller.describe() + " may not read " + ctx.normalizedPath()
                    + ": no policy rule of it allows the action 'observe' (readiness and metrics; give a monitoring identity a rule"
                    + " with actions: [observe]).");
        }
    }

    private void refuse(RoutingContext ctx, CertfnException e) {
        try {
            Problem problem = Problem.of(e.title(), e.status(), e.code(), e.reason().orElse(null), e.getMessage(), e.field().orElse(null));
            ctx.response().setStatusCode(e.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
            e.headers().forEach((k, v) -> ctx.response().putHeader(k, v));
            e.retryAfter().ifPresent(d -> ctx.response().putHeader("Retry-After", Long.toString(ProblemMapper.seconds(d))));
            ctx.response().end(io.vertx.core.buffer.Buffer.buffer(json.writeValueAsBytes(problem)));
        } catch (java.io.IOException io) {
            ctx.fail(io);
        }
    }
}
