package io.certfn.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.auth.Caller;
import io.certfn.certs.CertificateService;
import io.certfn.certs.CertificateSpec;
import io.certfn.certs.Outcome;
import io.certfn.config.CertfnConfig;
import io.certfn.error.CertfnException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The certificate API (DESIGN §2), wire-compatible with le-cert-server. Parses the request,
 * admits the caller, asks the certificate service, maps its outcome.
 */
@Path("/api/certificate")
@Produces(MediaType.APPLICATION_JSON)
public class CertificateResource {

    private interface Action {
        Outcome run(Caller caller, CertificateSpec spec, Duration budget);
    }

    /** Rendered answers for stored certificates: the warm path then only looks up bytes. */
    private static final int MAX_RENDERED = 10_000;

    private final Map<String, byte[]> rendered = new ConcurrentHashMap<>();
    private final CertificateService certificates;
    private final Admission admission;
    private final ObjectMapper json;
    private final CertfnConfig.Request config;

    public CertificateResource(CertificateService certificates, Admission admission, ObjectMapper json, CertfnConfig config) {
        this.certificates = certificates;
        this.admission = admission;
        this.json = json;
        this.config = config.request();
    }

    /**
     * A valid certificate: from the store unless due, else newly ordered. Runs on the event loop:
     * a request answered from memory (a cached certificate for a caller known without blocking) is
     * answered there; everything else, which may block, goes to a worker thread and takes the one
     * full path — errors, audit lines and orders come only from there.
     */
    @POST
    public Uni<Response> obtain(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam("Prefer") String prefer, @Context HttpServerRequest request, byte[] body) {
        // Parsed once: a body that does not parse is left to the full path, which explains it.
        Optional<CertificateSpec> parsed = parsedQuietly(body);
        Optional<Uni<Response>> fromMemory = prefer == null ? parsed.flatMap(spec -> answerFromMemory(authorization, request, spec))
                : Optional.empty();
        if (fromMemory.isPresent()) {
            return fromMemory.get();
        }
        return Uni.createFrom().item(() -> handle(authorization, prefer, request,
                parsed.orElseGet(() -> RequestBody.read(body, json)), certificates::obtain))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Optional<CertificateSpec> parsedQuietly(byte[] body) {
        try {
            return Optional.of(RequestBody.read(body, json));
        } catch (CertfnException e) {
            return Optional.empty();
        }
    }

    /**
     * The answer for a caller known without blocking: the cached certificate, or — while this
     * process already orders it — that order's certificate when it comes, without holding a worker
     * thread while waiting (a burst of first requests for a new name waits on one order).
     */
    private Optional<Uni<Response>> answerFromMemory(String authorization, HttpServerRequest request, CertificateSpec spec) {
        if (admission.admitFromMemory(authorization, request, spec.names()).isEmpty()) {
            return Optional.empty();
        }
        Optional<Uni<Response>> cached = certificates.cachedAndNotDue(spec)
                .map(cert -> Uni.createFrom().item(responseFor(new Outcome.Ready(cert, true), spec).build()));
        if (cached.isPresent()) {
            return cached;
        }
        Duration budget = config.waitBudget();
        return certificates.runningOrder(spec).map(order -> Uni.createFrom().completionStage(order)
                .ifNoItem().after(budget).recoverWithItem(() -> null)
                .map(ready -> responseFor(ready == null ? certificates.pending(spec) : ready, spec).build()));
    }

    /** A new certificate now, if the stored one is due ({@code 429 renew_too_soon} otherwise). */
    @POST
    @Path("/renew")
    public Response renew(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam("Prefer") String prefer, @Context HttpServerRequest request, byte[] body) {
        return handle(authorization, prefer, request, RequestBody.read(body, json), certificates::renew);
    }

    private Response handle(String authorization, String prefer, HttpServerRequest request, CertificateSpec spec, Action action) {
        Caller caller = admission.admit(authorization, request, spec.names());
        Duration budget = WaitPreference.budget(prefer, config.waitBudget(), config.maxWait());
        Outcome outcome = action.run(caller, spec, budget);
        Response.ResponseBuilder response = responseFor(outcome, spec);
        if (WaitPreference.parse(prefer).isPresent()) {
            response.header("Preference-Applied", "wait=" + budget.toSeconds());
        }
        return response.build();
    }

    private Response.ResponseBuilder responseFor(Outcome outcome, CertificateSpec spec) {
        if (outcome instanceof Outcome.Ready ready) {
            return Response.ok(render(ready, spec), MediaType.APPLICATION_JSON);
        }
        Outcome.Pending pending = (Outcome.Pending) outcome;
        return Response.accepted(PendingResponse.of(pending.spec().names()))
                .header("Retry-After", ProblemMapper.seconds(pending.retryAfter()));
    }

    private byte[] render(Outcome.Ready ready, CertificateSpec spec) {
        String key = spec.storageId() + "|" + ready.certificate().serial() + "|" + ready.cached() + "|"
                + String.join(",", spec.names());
        byte[] bytes = rendered.get(key);
        if (bytes == null) {
            if (rendered.size() >= MAX_RENDERED) {
                rendered.clear();
            }
            // Rendered once when the requests a new certificate kept waiting are answered together.
            bytes = rendered.computeIfAbsent(key, k -> {
                try {
                    return json.writeValueAsBytes(CertificateResponse.of(ready.certificate(), spec.names(), ready.cached()));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("Cannot render the certificate response", e);
                }
            });
        }
        return bytes;
    }
}
