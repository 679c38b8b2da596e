package dev.orgos.gateway.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orgos.governance.decision.ActionContract;
import dev.orgos.governance.decision.ProposedAction;
import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.ActionOutcome;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.AnchorRef;
import dev.orgos.schema.FactType;
import dev.orgos.schema.OutcomeStatus;
import dev.orgos.schema.Topics;
import dev.orgos.service.problem.Problem;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The door for AI workers. The agent is always the credential's: a JWT's subject or an API key's agent. Every answer that is not a
 * success is an RFC 9457 problem detail.
 */
@Path("/v1/actions")
@RolesAllowed("agent")
@Produces(MediaType.APPLICATION_JSON)
public class ActionResource {
    private static final Logger LOG = Logger.getLogger(ActionResource.class);
    static final String CLOUDEVENT_TYPE = "dev.orgos.action.proposed";
    /** One per process, whatever the resource's scope. */
    private static final AcceptanceLog ACCEPTANCE_LOG = new AcceptanceLog();

    @Inject
    GatewayMetrics metrics;

    /** Who is asking: a JWT's subject or an API key's agent, never anything in the body. */
    @Inject
    dev.orgos.gateway.identity.Agent caller;

    @Inject
    @Channel("actions-out")
    Emitter<Record<String, ActionProposed>> actions;

    @Inject
    @Channel("outcomes-out")
    jakarta.enterprise.inject.Instance<KafkaTransactions<SpecificRecord>> outcomes;

    @Inject
    ActionStore store;

    /** Wakes long polls and event streams when an action's state changes, on whichever replica. */
    @Inject
    StateChanges changes;

    @Inject
    RateLimiter limiter;

    @Inject
    ObjectMapper json;

    /**
     * Accepts an action (plain JSON, or a CloudEvent in binary mode: ce-* headers and the action
     * as the body). Validated, then on the broker (acks=all) before the 202, then recorded as
     * PENDING. {@code Idempotency-Key} (else the CloudEvent id, else the action id) makes a
     * retry return the original acceptance.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> submit(ActionRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey,
                                @HeaderParam("ce-specversion") String ceSpecVersion, @HeaderParam("ce-type") String ceType,
                                @HeaderParam("ce-id") String ceId, @HeaderParam("ce-source") String ceSource,
                                @HeaderParam("Prefer") String prefer) {
        if (ceSpecVersion != null) {
            List<Problem.FieldError> ce = cloudEventProblems(ceSpecVersion, ceType, ceId, ceSource, "ce-");
            if (!ce.isEmpty()) {
                return Uni.createFrom().item(Problem.response(400, "Invalid CloudEvent", "The CloudEvent headers are not valid.", ce));
            }
        }
        return awaitingVerdict(accept(request, idempotencyKey != null ? idempotencyKey : ceId), prefer);
    }

    /**
     * {@code Prefer: wait=N} (RFC 7240, N at most 60 seconds): the 202 waits until the action's state
     * is final or N seconds have passed, and carries that state, so that a worker learns an
     * autonomous verdict from its POST alone, without a second request. Like any preference it is
     * advisory: one the gateway does not understand is ignored, and {@code Preference-Applied} says
     * when it was honoured.
     */
    private Uni<Response> awaitingVerdict(Uni<Response> accepted, String prefer) {
        int wait = preferredWait(prefer);
        if (wait <= 0) {
            return accepted;
        }
        Instant deadline = Instant.now().plusSeconds(wait);
        String agentId = caller.id();
        return accepted.chain(r -> {
            if (r.getStatus() != 202 || !(r.getEntity() instanceof Map<?, ?> body) || !(body.get("actionId") instanceof String id)) {
                return Uni.createFrom().item(r);
            }
            return poll(id, agentId, deadline).map(view -> view == null ? r
                    : Response.fromResponse(r).entity(view).header("Preference-Applied", "wait=" + wait).build());
        });
    }

    /** The {@code wait} preference in seconds (capped at 60), or 0 when there is none or it is not a number. */
    static int preferredWait(String prefer) {
        if (prefer == null) {
            return 0;
        }
        for (String preference : prefer.split(",")) {
            String[] nameValue = preference.split(";")[0].trim().split("=", 2);
            if (nameValue.length == 2 && nameValue[0].trim().equalsIgnoreCase("wait")) {
                try {
                    return Math.max(0, Math.min(60, Integer.parseInt(nameValue[1].trim().replace("\"", ""))));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** CloudEvents 1.0, structured mode: the event is the body, the action is its {@code data}. */
    @POST
    @Consumes("application/cloudevents+json")
    public Uni<Response> submitCloudEvent(JsonNode event, @HeaderParam("Idempotency-Key") String idempotencyKey,
                                          @HeaderParam("Prefer") String prefer) {
        if (event == null || !event.isObject()) {
            return Uni.createFrom().item(Problem.response(400, "Invalid CloudEvent", "The body must be a CloudEvent JSON object.",
                    List.of(new Problem.FieldError("(body)", "must be a JSON object"))));
        }
        List<Problem.FieldError> ce = cloudEventProblems(text(event, "specversion"), text(event, "type"), text(event, "id"),
                text(event, "source"), "");
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            ce.add(new Problem.FieldError("data", "must be the action, as a JSON object"));
        }
        if (!ce.isEmpty()) {
            return Uni.createFrom().item(Problem.response(400, "Invalid CloudEvent", "The CloudEvent is not valid.", ce));
        }
        ActionRequest request;
        try {
            request = json.treeToValue(data, ActionRequest.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().item(new dev.orgos.service.problem.ProblemMappers().unreadableJson(e));
        }
        return awaitingVerdict(accept(request, idempotencyKey != null ? idempotencyKey : text(event, "id")), prefer);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<Problem.FieldError> cloudEventProblems(String specVersion, String type, String id, String source, String prefix) {
        List<Problem.FieldError> out = new ArrayList<>();
        if (!"1.0".equals(specVersion)) {
            out.add(new Problem.FieldError(prefix + "specversion", "must be 1.0"));
        }
        if (!CLOUDEVENT_TYPE.equals(type)) {
            out.add(new Problem.FieldError(prefix + "type", "must be " + CLOUDEVENT_TYPE));
        }
        if (id == null || id.isBlank()) {
            out.add(new Problem.FieldError(prefix + "id", "is required"));
        }
        if (source == null || source.isBlank()) {
            out.add(new Problem.FieldError(prefix + "source", "is required"));
        }
        return out;
    }

    private Uni<Response> accept(ActionRequest request, String idempotencyKey) {
        if (request == null) {
            return Uni.createFrom().item(Problem.response(400, "Invalid action", "The request body is empty.",
                    List.of(new Problem.FieldError("(body)", "is required"))));
        }
        String agentId = caller.id();
        long wait = limiter.acquire(agentId);
        if (wait > 0) {
            metrics.refused(GatewayMetrics.Refusal.RATE_LIMITED);
            return Uni.createFrom().item(Response.fromResponse(Problem.response(429, "Too Many Requests",
                    "Agent " + agentId + " is over its rate limit; retry after " + wait + " s.", null))
                    .header("Retry-After", Long.toString(wait)).build());
        }
        String actionId = request.actionId() == null ? UUID.randomUUID().toString() : request.actionId();
        List<Problem.FieldError> errors = new ArrayList<>();
        ActionContract.problems(new ProposedAction(actionId, agentId, request.actionType(), request.amount(),
                        request.confidence(), request.riskScore(), request.reversible(), request.targetSystem(), Map.of()))
                .forEach(p -> errors.add(new Problem.FieldError(p.field(), p.message())));
        Map<String, Object> avroParams = new HashMap<>();
        (request.parameters() == null ? Map.<String, Object>of() : request.parameters()).forEach((k, v) -> {
            Object value = avroValue(v);
            if (value == UNSUPPORTED) {
                errors.add(new Problem.FieldError("parameters." + k, "must be a string, number, boolean or null"));
            } else {
                avroParams.put(k, value);
            }
        });
        String key = idempotencyKey != null ? idempotencyKey.trim() : request.actionId();
        if (key != null && (key.isEmpty() || key.length() > 200)) {
            errors.add(new Problem.FieldError("Idempotency-Key", "must be 1 to 200 characters"));
        }
        if (!errors.isEmpty()) {
            metrics.refused(GatewayMetrics.Refusal.INVALID);
            return Uni.createFrom().item(Problem.response(400, "Invalid action",
                    "The action was not accepted; nothing was sent.", errors));
        }
        ActionRequest withId = request.withActionId(actionId);
        // in milliseconds, as the event carries it (timestamp-millis): action_state says what the mesh saw
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String traceId = Span.current().getSpanContext().isValid() ? Span.current().getSpanContext().getTraceId() : null;
        long recording = System.nanoTime();
        if (key == null) {
            return store.accepted(actionId, agentId, request.actionType(), traceId, now)
                    .invoke(() -> metrics.recorded(recording))
                    .chain(() -> send(agentId, withId, avroParams, now, traceId, null, true));
        }
        String hash = request.fingerprint();
        return store.claim(agentId, key, hash, actionId, request.actionType(), traceId, now).chain(claim -> {
            metrics.recorded(recording);
            if (claim.takenBy() != null) {
                return Uni.createFrom().item(Problem.response(409, "Action id taken", "Action id " + actionId
                        + " belongs to another agent's action; choose another.", List.of(new Problem.FieldError("actionId", "is already used"))));
            }
            if (claim.fresh()) {
                return send(agentId, withId, avroParams, now, traceId, key, true);
            }
            if (!claim.sameRequest()) {
                metrics.refused(GatewayMetrics.Refusal.IDEMPOTENCY_KEY_REUSED);
                return Uni.createFrom().item(Problem.response(409, "Idempotency key reused", "Idempotency key '" + key
                        + "' was already used for a different request (action " + claim.actionId() + "); use a new key for a new action.",
                        List.of(new Problem.FieldError("Idempotency-Key", "was used with a different body"))));
            }
            if (!claim.sent()) {
                // claimed, but never noted as on the broker (a crash, a failure, or still on its way): send
                // it again. The router decides an action id once, so a second copy changes nothing.
                LOG.infof("Retry of action %s by %s: its first submission was never confirmed, sending it again", claim.actionId(), agentId);
                ActionRequest original = withId.withActionId(claim.actionId());
                return store.accepted(original.actionId(), agentId, original.actionType(), traceId, now)
                        .chain(() -> send(agentId, original, avroParams, now, traceId, key, false))
                        .map(r -> r.getStatus() == 202 ? Response.fromResponse(r).header("Idempotent-Replayed", "true").build() : r);
            }
            LOG.debugf("Retry of action %s by %s answered with the original acceptance", claim.actionId(), agentId);
            return Uni.createFrom().item(Response.accepted(Map.of("actionId", claim.actionId(), "status", "PENDING"))
                    .location(URI.create("/v1/actions/" + claim.actionId())).header("Idempotent-Replayed", "true").build());
        });
    }

    /**
     * Puts the action, already recorded as PENDING, on the broker (acks=all) and answers 202. If the
     * broker refuses, what this submission recorded ({@code undoOnFailure}) is undone so that a retry
     * can succeed. Once acknowledged, the claim under {@code key} is noted as sent, off the worker's path.
     */
    private Uni<Response> send(String agentId, ActionRequest request, Map<String, Object> avroParams, Instant now, String traceId,
                               String key, boolean undoOnFailure) {
        ActionProposed event = ActionProposed.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setActionId(request.actionId())
                .setAgentId(agentId)
                .setOccurredAt(now)
                .setActionType(request.actionType())
                .setDescription(request.description())
                .setAmount(request.amount())
                .setCurrency(request.currency())
                .setConfidence(request.confidence())
                .setRiskScore(request.riskScore())
                .setReversible(request.reversible())
                .setTargetSystem(request.targetSystem())
                .setParameters(avroParams)
                .build();
        long sending = System.nanoTime();
        return Uni.createFrom().completionStage(actions.send(Record.of(agentId, event)))
                .invoke(() -> metrics.sent(sending))
                .onFailure().call(e -> undoOnFailure ? store.unsent(agentId, key, request.actionId()) : Uni.createFrom().voidItem())
                .map(ignored -> {
                    if (key != null) {
                        store.sent(agentId, key).subscribe().with(done -> {
                        }, e -> LOG.warnf("Action %s is on the broker but could not be noted as sent (%s); a retry would send it "
                                + "again, which the router ignores", request.actionId(), e.getMessage()));
                    }
                    ACCEPTANCE_LOG.accepted(request.actionId(), request.actionType(), agentId);
                    metrics.accepted();
                    return Response.accepted(Map.of("actionId", request.actionId(), "status", "PENDING",
                                    "traceId", traceId == null ? "" : traceId))
                            .location(URI.create("/v1/actions/" + request.actionId())).build();
                })
                .onFailure().recoverWithItem(e -> Problem.response(503, "Service Unavailable",
                        "The action could not be put on the mesh (" + e.getMessage() + "); nothing was accepted, retry with the same key.", null));
    }


    /**
     * The action's current state; an agent sees only its own. With {@code waitSeconds} (at most
     * 60) the answer waits until the state is final or the time is up. The state lives in
     * PostgreSQL, so any gateway replica answers.
     */
    @GET
    @Path("/{actionId}")
    public Uni<Response> get(@PathParam("actionId") String actionId, @QueryParam("waitSeconds") @DefaultValue("0") int waitSeconds) {
        if (waitSeconds < 0 || waitSeconds > 60) {
            return Uni.createFrom().item(Problem.response(400, "Invalid query", "Long polls last at most 60 seconds.",
                    List.of(new Problem.FieldError("waitSeconds", "must be between 0 and 60"))));
        }
        Instant deadline = Instant.now().plusSeconds(waitSeconds);
        String agentId = caller.id();
        return poll(actionId, agentId, deadline).map(view -> view == null || !view.agentId().equals(agentId)
                ? Problem.response(404, "Not Found", "No action " + actionId + " of yours is known here.", null)
                : Response.ok(view).build());
    }

    private Uni<ActionView> poll(String actionId, String agentId, Instant deadline) {
        // watch first, then read: a change between the two still wakes us
        StateChanges.Watch watch = changes.watch(actionId);
        return store.find(actionId).chain(view -> {
            Duration left = Duration.between(Instant.now(), deadline);
            boolean notTheirs = view != null && !view.agentId().equals(agentId);
            if (notTheirs || (view != null && view.isFinal()) || left.isNegative() || left.isZero()) {
                watch.cancel();
                return Uni.createFrom().item(view);
            }
            // handed the final state by this replica's verdict consumer: that is the answer, no need to read it
            return watch.changed(left).chain(state -> state != null && state.isFinal() && state.agentId().equals(agentId)
                    ? Uni.createFrom().item(state) : poll(actionId, agentId, deadline));
        }).onFailure().invoke(watch::cancel);
    }

    /** Server-sent events: the action's state each time it changes, ending with the final one (or after 10 minutes). */
    @GET
    @Path("/{actionId}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<ActionView> events(@PathParam("actionId") String actionId) {
        String agentId = caller.id();
        AtomicBoolean finished = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<ActionView> last = new java.util.concurrent.atomic.AtomicReference<>();
        return changes.ticks(actionId)
                .onItem().transformToUniAndConcatenate(t -> store.find(actionId))
                .select().where(v -> v != null && v.agentId().equals(agentId))
                // only changes pass, except that once the final state was sent, the next look ends the stream
                .select().where(v -> finished.get() || !v.equals(last.getAndSet(v)))
                .select().first(v -> !finished.get())
                .onItem().invoke(v -> finished.set(v.isFinal()))
                .select().first(Duration.ofMinutes(10));
    }

    /**
     * The worker reports what it did. Reporting that an action was executed when it was not
     * allowed is refused, and recorded in the ledger as a violation.
     */
    @POST
    @Path("/{actionId}/outcome")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> outcome(@PathParam("actionId") String actionId, OutcomeRequest body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (body == null || body.status() == null || !List.of("EXECUTED", "FAILED").contains(body.status())) {
            errors.add(new Problem.FieldError("status", "must be EXECUTED or FAILED"));
        }
        if (body == null || body.summary() == null || body.summary().isBlank()) {
            errors.add(new Problem.FieldError("summary", "is required: say what happened"));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(Problem.response(400, "Invalid outcome", "The outcome was not recorded.", errors));
        }
        String agentId = caller.id();
        return store.find(actionId).chain(view -> {
            if (view == null || !view.agentId().equals(agentId)) {
                return Uni.createFrom().item(Problem.response(404, "Not Found", "No action " + actionId + " of yours is known here.", null));
            }
            String anchor = view.anchor() == null ? "governance-board" : view.anchor();
            if ("EXECUTED".equals(body.status()) && !view.mayProceed()) {
                AccountabilityFact violation = fact(view, anchor, FactType.VIOLATION_RECORDED,
                        "Agent " + agentId + " reported executing " + view.actionType() + " although its verdict is " + view.status()
                                + ": " + body.summary(), Map.of("reportedStatus", body.status(), "verdict", view.status()));
                return publish(List.of(KafkaRecord.of(Topics.FACTS.topic(), actionId, violation)))
                        .invoke(() -> {
                            LOG.warnf("VIOLATION: agent %s reports executing action %s (%s) whose verdict is %s",
                                    agentId, actionId, view.actionType(), view.status());
                            metrics.violation();
                        })
                        .replaceWith(Problem.response(409, "Not allowed", "Action " + actionId + " is " + view.status()
                                + ", not allowed to proceed. This report is recorded in the ledger as a violation.", null));
            }
            return store.recordOutcome(actionId, body.status(), body.summary()).chain(first -> {
                if (!first) {
                    return Uni.createFrom().item(Problem.response(409, "Outcome already reported",
                            "The outcome of action " + actionId + " was already reported.", null));
                }
                Instant now = Instant.now();
                ActionOutcome outcome = ActionOutcome.newBuilder().setEventId(UUID.randomUUID().toString()).setActionId(actionId)
                        .setAgentId(agentId).setOccurredAt(now).setStatus(OutcomeStatus.valueOf(body.status()))
                        .setSummary(body.summary()).setAnchor(AnchorRef.newBuilder().setRole(anchor).build()).build();
                AccountabilityFact fact = fact(view, anchor, FactType.OUTCOME_REPORTED, "Agent " + agentId + " reports "
                        + view.actionType() + " " + body.status().toLowerCase() + ": " + body.summary(), Map.of("status", body.status()));
                return publish(List.of(KafkaRecord.of(Topics.OUTCOMES.topic(), actionId, outcome),
                                KafkaRecord.of(Topics.FACTS.topic(), actionId, fact)))
                        .onFailure().call(e -> store.forgetOutcome(actionId))
                        .replaceWith(Response.accepted(Map.of("actionId", actionId, "outcome", body.status())).build())
                        .onFailure().recoverWithItem(e -> Problem.response(503, "Service Unavailable",
                                "The outcome could not be recorded (" + e.getMessage() + "); retry.", null));
            });
        });
    }

    /** The outcome and its ledger fact go out in one Kafka transaction: both or neither. */
    private Uni<Void> publish(List<KafkaRecord<String, ? extends SpecificRecord>> records) {
        return outcomes.get().withTransaction(tx -> {
            records.forEach(r -> tx.send((KafkaRecord<String, SpecificRecord>) (KafkaRecord<?, ?>) r));
            return Uni.createFrom().voidItem();
        });
    }

    private static AccountabilityFact fact(ActionView view, String anchor, FactType type, String summary, Map<String, String> details) {
        return AccountabilityFact.newBuilder().setEventId(UUID.randomUUID().toString()).setActionId(view.actionId())
                .setAgentId(view.agentId()).setOccurredAt(Instant.now()).setFactType(type).setSource("execution-gateway")
                .setAnchor(AnchorRef.newBuilder().setRole(anchor).build()).setCharterVersion(view.charterVersion())
                .setTraceId(view.traceId()).setSummary(summary).setDetails(details).build();
    }

    private static final Object UNSUPPORTED = new Object();

    /** Parameters become Avro's union of null, boolean, long, double and string. */
    private static Object avroValue(Object v) {
        if (v == null || v instanceof Boolean || v instanceof String) {
            return v;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).longValue();
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        return UNSUPPORTED;
    }
}
