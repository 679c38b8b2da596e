package dev.orgos.gateway.action;

import dev.orgos.service.problem.Problem;
import dev.orgos.governance.decision.ActionContract;
import dev.orgos.governance.decision.ProposedAction;
import dev.orgos.schema.ActionProposed;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

@Path("/v1/actions")
@RolesAllowed("agent")
@Produces(MediaType.APPLICATION_JSON)
public class ActionResource {
    private static final Logger LOG = Logger.getLogger(ActionResource.class);

    @Inject
    JsonWebToken caller;

    @Inject
    @Channel("actions-out")
    Emitter<Record<String, ActionProposed>> actions;

    @Inject
    ActionStore store;

    /**
     * Accepts an action: validated, then on the broker (acks=all) before the 202, then recorded
     * as PENDING. The agent is the token's subject, whatever the body says.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> submit(ActionRequest request) {
        if (request == null) {
            return Uni.createFrom().item(Problem.response(400, "Invalid action", "The request body is empty.",
                    List.of(new Problem.FieldError("(body)", "is required"))));
        }
        String agentId = caller.getSubject();
        String actionId = request.actionId() == null ? UUID.randomUUID().toString() : request.actionId();
        Map<String, Object> params = request.parameters() == null ? Map.of() : request.parameters();
        List<Problem.FieldError> errors = new java.util.ArrayList<>();
        ActionContract.problems(new ProposedAction(actionId, agentId, request.actionType(), request.amount(),
                        request.confidence(), request.riskScore(), request.reversible(), request.targetSystem(), Map.of()))
                .forEach(p -> errors.add(new Problem.FieldError(p.field(), p.message())));
        Map<String, Object> avroParams = new HashMap<>();
        params.forEach((k, v) -> {
            Object value = avroValue(v);
            if (value == UNSUPPORTED) {
                errors.add(new Problem.FieldError("parameters." + k, "must be a string, number, boolean or null"));
            } else {
                avroParams.put(k, value);
            }
        });
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(Problem.response(400, "Invalid action",
                    "The action was not accepted; nothing was sent.", errors));
        }
        Instant now = Instant.now();
        ActionProposed event = ActionProposed.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setActionId(actionId)
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
        String traceId = Span.current().getSpanContext().isValid() ? Span.current().getSpanContext().getTraceId() : null;
        return Uni.createFrom().completionStage(actions.send(Record.of(agentId, event)))
                .chain(() -> store.accepted(actionId, agentId, request.actionType(), traceId, now))
                .map(ignored -> {
                    LOG.infof("Accepted action %s (%s) from agent %s", actionId, request.actionType(), agentId);
                    return Response.accepted(Map.of("actionId", actionId, "status", "PENDING",
                                    "traceId", traceId == null ? "" : traceId))
                            .location(URI.create("/v1/actions/" + actionId)).build();
                });
    }

    /** The action's current state; an agent sees only its own actions. */
    @GET
    @Path("/{actionId}")
    public Uni<Response> get(@PathParam("actionId") String actionId) {
        return store.find(actionId).map(view -> view == null || !view.agentId().equals(caller.getSubject())
                ? Problem.response(404, "Not Found", "No action " + actionId + " of yours is known here.", null)
                : Response.ok(view).build());
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
