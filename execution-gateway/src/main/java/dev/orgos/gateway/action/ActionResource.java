package dev.orgos.gateway.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orgos.service.problem.Problem;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The door for AI workers, besides the JSON submission ({@link SubmitRoute}): structured
 * CloudEvents, the action's event stream and outcomes (its state, read or long-polled: {@link StateRoute}). The agent is always
 * the credential's: a JWT's subject or an API key's agent. Every answer that is not a success is
 * an RFC 9457 problem detail.
 */
@Path("/v1/actions")
@RolesAllowed("agent")
@Produces(MediaType.APPLICATION_JSON)
public class ActionResource {
    private static final Logger LOG = Logger.getLogger(ActionResource.class);

    @Inject
    GatewayMetrics metrics;

    /** Who is asking: a JWT's subject or an API key's agent, never anything in the body. */
    @Inject
    dev.orgos.gateway.identity.Agent caller;

    @Inject
    OutcomeReports reports;

    @Inject
    Submissions submissions;

    @Inject
    ActionStore store;

    /** Wakes long polls and event streams when an action's state changes, on whichever replica. */
    @Inject
    StateChanges changes;

    @Inject
    ObjectMapper json;

    /**
     * CloudEvents 1.0, structured mode: the event is the body, the action is its {@code data}.
     * Accepted as a plain JSON action is ({@link Submissions}); the event's id is the idempotency key
     * unless an {@code Idempotency-Key} is given.
     */
    @POST
    @Consumes("application/cloudevents+json")
    public Uni<Response> submitCloudEvent(JsonNode event, @HeaderParam("Idempotency-Key") String idempotencyKey,
                                          @HeaderParam("Prefer") String prefer) {
        if (event == null || !event.isObject()) {
            return Uni.createFrom().item(Problem.response(400, "Invalid CloudEvent", "The body must be a CloudEvent JSON object.",
                    List.of(new Problem.FieldError("(body)", "must be a JSON object"))));
        }
        List<Problem.FieldError> ce = Submissions.cloudEventProblems(text(event, "specversion"), text(event, "type"), text(event, "id"),
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
        String agentId = caller.id();
        return Uni.createFrom().completionStage(() -> submissions.submit(agentId, request,
                        idempotencyKey != null ? idempotencyKey : text(event, "id"), prefer))
                .map(Answer::toResponse);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
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
     * The summary goes into the outcome and into its ledger fact, whose canonical JSON escapes a
     * control character in six bytes: a summary of the body's full megabyte made a ledger entry the
     * broker refuses, and the ledger, which seals in order, would stop at it.
     */
    static final int LONGEST_SUMMARY = 4000;

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
        } else if (body.summary().length() > LONGEST_SUMMARY) {
            errors.add(new Problem.FieldError("summary", "must be at most " + LONGEST_SUMMARY + " characters"));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(Problem.response(400, "Invalid outcome", "The outcome was not recorded.", errors));
        }
        String agentId = caller.id();
        return store.find(actionId).chain(view -> {
            if (view == null || !view.agentId().equals(agentId)) {
                return Uni.createFrom().item(Problem.response(404, "Not Found", "No action " + actionId + " of yours is known here.", null));
            }
            if ("EXECUTED".equals(body.status()) && !view.mayProceed()) {
                return reports.violation(view, body.status(), body.summary())
                        .invoke(() -> {
                            LOG.warnf("VIOLATION: agent %s reports executing action %s (%s) whose verdict is %s",
                                    agentId, actionId, view.actionType(), view.status());
                            metrics.violation();
                        })
                        .replaceWith(Problem.response(409, "Not allowed", "Action " + actionId + " is " + view.status()
                                + ", not allowed to proceed. This report is recorded in the ledger as a violation.", null));
            }
            // the same report again is answered as the first was: the worker may not have heard it
            return reports.report(view, body.status(), body.summary()).map(result -> result == OutcomeReports.Result.RECORDED
                    ? Response.accepted(Map.of("actionId", actionId, "outcome", body.status())).build()
                    : Problem.response(409, "Outcome already reported",
                            "Another outcome of action " + actionId + " was already reported.", null));
        }).onFailure().recoverWithItem(e -> {
            // the database failed, or did not answer in time: a statement it was slow with was cancelled by the
            // database itself (statement_timeout, shorter than the gateway's bound), so the same report may come
            // again. (A report recorded but not yet published is answered 202: the sweep publishes it.)
            LOG.warnf("The outcome of action %s could not be recorded: %s", actionId, e.getMessage());
            return Response.fromResponse(Problem.response(503, "Service Unavailable", "The outcome could not be recorded ("
                    + e.getMessage() + "); retry.", null)).header("Retry-After", "1").build();
        });
    }
}
