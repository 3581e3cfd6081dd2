package io.certfn.api;

import io.certfn.certs.RequestConfig;import com.fasterxml.jackson.core.JsonProcessingException;
import io.certfn.acme.AcmeConfig;import com.fasterxml.jackson.databind.ObjectMapper;
import io.certfn.certs.CertificateService;
import io.certfn.certs.CertificateSpec;
import io.certfn.certs.Outcome;
import io.certfn.certs.RevocationReason;
import io.certfn.certs.ServedKeys;
import io.certfn.certs.StoredCertificate;
import io.certfn.error.CertfnException;
import io.certfn.identity.Caller;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Optional;

/**
 * The certificate API (docs/design.md §2), wire-compatible with le-cert-server. Checks the credential, then
 * parses the request, then the policy (le-cert-server's order: a caller without credentials learns
 * nothing about validation), asks the certificate service, maps its outcome. No {@code @Produces}:
 * every answer is JSON whatever the client's {@code Accept} says, as le-cert-server answers.
 */
@Path("/api/certificate")
public class CertificateResource {

    private interface Action {
        Outcome run(Caller caller, CertificateSpec spec, Duration budget);
    }

    private final RenderedAnswers rendered;
    private final CertificateService certificates;
    private final io.certfn.certs.CertificateRevocation revocation;
    private final Admission admission;
    private final ServedKeys served;
    private final ObjectMapper json;
    private final RequestConfig config;
    private final Optional<String> defaultProfile;
    private final io.certfn.certs.CertificateDelivery delivery;

    public CertificateResource(CertificateService certificates, Admission admission, ServedKeys served, ObjectMapper json,
            RequestConfig config, AcmeConfig acme, RenderedAnswers rendered, io.certfn.certs.CertificateRevocation revocation,
            io.certfn.certs.CertificateDelivery delivery) {
        this.delivery = delivery;
        this.rendered = rendered;
        this.revocation = revocation;
        this.certificates = certificates;
        this.admission = admission;
        this.served = served;
        this.json = json;
        this.config = config;
        this.defaultProfile = acme.defaultProfile();
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
        // The body is read only for a caller already known: a stranger costs no parsing here.
        Optional<Caller> known = prefer == null ? admission.callerFromMemory(authorization, request) : Optional.empty();
        Optional<CertificateSpec> parsed = known.flatMap(caller -> parsedQuietly(body));
        Optional<Uni<Response>> fromMemory = parsed.filter(spec -> admission.allows(known.get(), spec.names()))
                .flatMap(spec -> answerFromMemory(known.get(), spec));
        if (fromMemory.isPresent()) {
            return fromMemory.get();
        }
        return Uni.createFrom().item(() -> handle(authorization, prefer, request, parsed, body, certificates::obtain))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Optional<CertificateSpec> parsedQuietly(byte[] body) {
        try {
            return Optional.of(read(body));
        } catch (CertfnException e) {
            return Optional.empty();
        }
    }

    /**
     * The answer for an admitted caller without blocking: the cached certificate, or — while this
     * process already orders it — that order's certificate when it comes, without holding a worker
     * thread while waiting (a burst of first requests for a new name waits on one order).
     */
    private Optional<Uni<Response>> answerFromMemory(Caller caller, CertificateSpec spec) {
        // Where it was delivered must be known from memory too; else the worker path reads it.
        Optional<Uni<Response>> cached = certificates.cachedAndNotDue(spec)
                .filter(cert -> delivery.statusFromMemory(spec.storageId(), cert).isPresent())
                .map(cert -> Uni.createFrom().item(responseFor(caller, new Outcome.Ready(cert, true), spec, null)));
        if (cached.isPresent()) {
            return cached;
        }
        Duration budget = config.waitBudget();
        return certificates.runningOrder(spec).map(order -> Uni.createFrom().completionStage(order)
                .ifNoItem().after(budget).recoverWithItem(() -> null)
                .map(ready -> responseFor(caller, ready == null ? certificates.pending(spec) : ready, spec, null)));
    }

    /** A new certificate now, if the stored one is due ({@code 429 renew_too_soon} otherwise). */
    @POST
    @Path("/renew")
    public Response renew(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam("Prefer") String prefer, @Context HttpServerRequest request, byte[] body) {
        return handle(authorization, prefer, request, Optional.empty(), body, certificates::renew);
    }

    /**
     * Revokes the stored certificate of the body's names (same body as a request, plus {@code
     * reason}) for a caller whose rules allow the {@code revoke} action for those names (never
     * implied by {@code certificate}). The next request for them orders a new certificate with a new key.
     */
    @POST
    @Path("/revoke")
    public Response revoke(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context HttpServerRequest request,
            byte[] body) {
        Caller caller = admission.authenticate(authorization, request, null);
        CertificateSpec spec = read(body);
        RevocationReason reason = RequestBody.reason(body, json);
        admission.authorize(caller, spec.names(), io.certfn.policy.PolicyRule.REVOKE);
        StoredCertificate revoked = revocation.revoke(caller, spec, reason);
        try {
            return Response.ok(json.writeValueAsBytes(RevocationResponse.of(revoked)), MediaType.APPLICATION_JSON).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render the revocation", e);
        }
    }

    /** The request body, ordered with {@code certfn.acme.profile} when it names no profile. */
    private CertificateSpec read(byte[] body) {
        return RequestBody.read(body, json).withDefaultProfile(defaultProfile);
    }

    /** The full path: credential, body ({@code parsed} when already read), policy, then {@code action}. */
    private Response handle(String authorization, String prefer, HttpServerRequest request,
            Optional<CertificateSpec> parsed, byte[] body, Action action) {
        Caller caller = admission.authenticate(authorization, request, parsed.map(CertificateSpec::names).orElse(null));
        CertificateSpec spec = parsed.orElseGet(() -> read(body));
        admission.authorize(caller, spec.names());
        Duration budget = WaitPreference.budget(prefer, config.waitBudget(), config.maxWait());
        Response response = responseFor(caller, action.run(caller, spec, budget), spec, prefer);
        if (WaitPreference.parse(prefer).isPresent()) {
            response.getHeaders().putSingle("Preference-Applied", "wait=" + budget.toSeconds());
        }
        return response;
    }

    /**
     * A certificate is {@code 200}; a running order is {@code 202} for a client that asked for
     * asynchronous answers and {@code 503 order_pending} for any other (docs/design.md §2). Every answer
     * that hands {@code caller} a private key is audited.
     */
    private Response responseFor(Caller caller, Outcome outcome, CertificateSpec spec, String prefer) {
        if (outcome instanceof Outcome.Ready ready) {
            StoredCertificate cert = ready.certificate();
            byte[] body = rendered.of(ready, spec, delivery.statusFromMemory(spec.storageId(), cert)
                    .orElseGet(() -> delivery.status(spec.storageId(), cert)));
            served.served(caller, ready.certificate());
            return Response.ok(body, MediaType.APPLICATION_JSON).build();
        }
        Outcome.Pending pending = (Outcome.Pending) outcome;
        if (!WaitPreference.acceptsAsync(prefer)) {
            return ProblemMapper.response(new OrderPendingException(pending.spec().names(), pending.retryAfter()));
        }
        return Response.accepted(PendingResponse.of(pending.spec().names())).type(MediaType.APPLICATION_JSON)
                .header("Retry-After", ProblemMapper.seconds(pending.retryAfter())).build();
    }
}
