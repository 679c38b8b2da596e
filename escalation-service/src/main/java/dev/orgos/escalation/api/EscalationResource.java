package dev.orgos.escalation.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orgos.escalation.task.Caller;
import dev.orgos.escalation.task.EscalationDesk;
import dev.orgos.escalation.task.EscalationTask;
import dev.orgos.escalation.task.Outcome;
import dev.orgos.escalation.task.TaskApproval;
import dev.orgos.escalation.task.TaskHistory;
import dev.orgos.escalation.task.TaskStatus;
import dev.orgos.service.problem.Problem;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The decision API for on-call humans. The acting identity is always the bearer token's; the
 * token's groups are anchor roles.
 */
@Path("/v1/escalations")
@RolesAllowed("**")
@Produces(MediaType.APPLICATION_JSON)
public class EscalationResource {

    @Inject
    JsonWebToken token;
    @Inject
    EscalationDesk desk;
    @Inject
    ObjectMapper json;

    /** One line of the queue: enough to choose what to open, without the whole action. */
    public record QueueItem(String id, String actionId, String agentId, String actionType, String anchor, int level, String assignee,
                            String status, String reason, int requiredApprovals, java.time.Instant deadline, java.time.Instant createdAt) {
    }

    /**
     * My open escalations: owned by one of my anchor roles, or assigned to me; soonest deadline
     * first. {@code status}, {@code anchor} filter; {@code limit} (default 50, at most 500) pages.
     */
    @GET
    @WithSession
    public Uni<List<QueueItem>> queue(@QueryParam("status") String status, @QueryParam("anchor") String anchor,
                                      @QueryParam("limit") @jakarta.ws.rs.DefaultValue("50") int limit) {
        Caller caller = caller();
        if (caller.isAgent()) {
            return Uni.createFrom().item(List.of());
        }
        List<TaskStatus> statuses;
        try {
            statuses = status == null ? List.of(TaskStatus.OPEN, TaskStatus.ACKNOWLEDGED)
                    : List.of(TaskStatus.valueOf(status.trim().toUpperCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new jakarta.ws.rs.WebApplicationException(Problem.response(400, "Invalid query", "No escalation has status '" + status
                    + "'.", List.of(new Problem.FieldError("status", "must be one of " + java.util.Arrays.toString(TaskStatus.values())))));
        }
        java.util.Set<String> roles = anchor != null ? (caller.groups().contains(anchor) ? Set.of(anchor) : Set.of("-"))
                : caller.groups().isEmpty() ? Set.of("-") : caller.groups();
        int size = Math.max(1, Math.min(limit, 500));
        // two index range scans (by anchor, by assignee), each already in deadline order, merged here
        Uni<List<EscalationTask>> byAnchor = EscalationTask.<EscalationTask>find("status in ?1 and anchor in ?2 order by acknowledgeBy",
                statuses, roles).page(0, size).list();
        Uni<List<EscalationTask>> mine = anchor != null ? Uni.createFrom().item(List.of())
                : EscalationTask.<EscalationTask>find("status in ?1 and assignee = ?2 order by acknowledgeBy", statuses, caller.name())
                .page(0, size).list();
        return byAnchor.chain(a -> mine.map(b -> {
            java.util.Map<java.util.UUID, EscalationTask> merged = new java.util.LinkedHashMap<>();
            java.util.stream.Stream.concat(a.stream(), b.stream())
                    .sorted(java.util.Comparator.comparing((EscalationTask t) -> t.acknowledgeBy))
                    .forEach(t -> merged.putIfAbsent(t.id, t));
            return merged.values().stream().limit(size).map(t -> new QueueItem(t.id.toString(), t.actionId, t.agentId, t.actionType,
                    t.anchor, t.level, t.assignee, t.status.name(), t.escalationReason, t.requiredApprovals, t.currentDeadline(),
                    t.createdAt)).toList();
        }));
    }

    @GET
    @Path("/{id}")
    @WithSession
    public Uni<Response> get(@PathParam("id") String id) {
        UUID uuid = parse(id);
        if (uuid == null) {
            return Uni.createFrom().item(notFound(id));
        }
        Caller caller = caller();
        return EscalationTask.<EscalationTask>findById(uuid).chain(t -> {
            if (t == null || caller.isAgent() || !(caller.groups().contains(t.anchor) || caller.name().equals(t.assignee))) {
                return Uni.createFrom().item(notFound(id));
            }
            return TaskApproval.<TaskApproval>list("taskId", t.id).chain(approvals ->
                    TaskHistory.<TaskHistory>list("taskId = ?1 order by id", t.id).map(history ->
                            Response.ok(view(t, approvals.stream().map(a -> a.approver).toList(), history)).build()));
        });
    }

    @POST
    @Path("/{id}/acknowledge")
    public Uni<Response> acknowledge(@PathParam("id") String id) {
        UUID uuid = parse(id);
        return uuid == null ? Uni.createFrom().item(notFound(id)) : desk.acknowledge(uuid, caller()).map(o -> respond(id, o));
    }

    /**
     * The longest reason or comment. A decision's reason goes into its ledger fact twice (summary and
     * details), whose canonical JSON escapes a control character in six bytes: one reason of the
     * body's size made a fact the broker refused, and the outbox, which publishes in order, stopped
     * at it, and with it every verdict and fact after it.
     */
    static final int LONGEST_TEXT = 4000;

    /** A 400 naming {@code field} when {@code text} is longer than {@link #LONGEST_TEXT}; null when it is not. */
    private static Response tooLong(String field, String text, String title) {
        return text == null || text.length() <= LONGEST_TEXT ? null : Problem.response(400, title, "Nothing was recorded: a "
                + field + " is at most " + String.format(java.util.Locale.ROOT, "%,d", LONGEST_TEXT) + " characters.",
                List.of(new Problem.FieldError(field, "is longer than " + LONGEST_TEXT + " characters")));
    }

    @POST
    @Path("/{id}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> approve(@PathParam("id") String id, DecisionRequest body) {
        Response refused = tooLong("reason", body == null ? null : body.reason(), "Invalid approval");
        if (refused != null) {
            return Uni.createFrom().item(refused);
        }
        UUID uuid = parse(id);
        String reason = body == null || body.reason() == null || body.reason().isBlank() ? null : body.reason().trim();
        return uuid == null ? Uni.createFrom().item(notFound(id)) : desk.approve(uuid, caller(), reason).map(o -> respond(id, o));
    }

    @POST
    @Path("/{id}/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> reject(@PathParam("id") String id, DecisionRequest body) {
        if (body == null || body.reason() == null || body.reason().isBlank()) {
            return Uni.createFrom().item(Problem.response(400, "Reason required",
                    "A rejection must say why: the agent and the auditors read it.",
                    List.of(new Problem.FieldError("reason", "is required to reject"))));
        }
        Response refused = tooLong("reason", body.reason(), "Invalid rejection");
        if (refused != null) {
            return Uni.createFrom().item(refused);
        }
        UUID uuid = parse(id);
        return uuid == null ? Uni.createFrom().item(notFound(id)) : desk.reject(uuid, caller(), body.reason().trim()).map(o -> respond(id, o));
    }

    /** {"to": "bob"} hands the task to another member of its anchor; {"up": true} moves it to the next anchor of the chain. */
    public record ReassignRequest(String to, Boolean up, String reason) {
    }

    public record CommentRequest(String text) {
    }

    @POST
    @Path("/{id}/reassign")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> reassign(@PathParam("id") String id, ReassignRequest body) {
        boolean up = body != null && Boolean.TRUE.equals(body.up());
        if (body == null || (!up && (body.to() == null || body.to().isBlank()))) {
            return Uni.createFrom().item(Problem.response(400, "Invalid reassignment", "Say to whom, or that it goes up the chain.",
                    List.of(new Problem.FieldError("to", "is required unless \"up\" is true"))));
        }
        Response refused = tooLong("reason", body.reason(), "Invalid reassignment");
        if (refused != null) {
            return Uni.createFrom().item(refused);
        }
        UUID uuid = parse(id);
        return uuid == null ? Uni.createFrom().item(notFound(id))
                : desk.reassign(uuid, caller(), up ? null : body.to().trim(), up, body.reason()).map(o -> respond(id, o));
    }

    @POST
    @Path("/{id}/comments")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> comment(@PathParam("id") String id, CommentRequest body) {
        if (body == null || body.text() == null || body.text().isBlank()) {
            return Uni.createFrom().item(Problem.response(400, "Invalid comment", "A comment needs text.",
                    List.of(new Problem.FieldError("text", "is required"))));
        }
        Response refused = tooLong("text", body.text(), "Invalid comment");
        if (refused != null) {
            return Uni.createFrom().item(refused);
        }
        UUID uuid = parse(id);
        return uuid == null ? Uni.createFrom().item(notFound(id)) : desk.comment(uuid, caller(), body.text().trim()).map(o -> respond(id, o));
    }

    private Response respond(String id, Outcome outcome) {
        return switch (outcome) {
            case Outcome.Done d -> Response.ok(view(d.task(), List.of(), List.of())).build();
            case Outcome.NotFound n -> notFound(id);
            case Outcome.Refused r -> Problem.response(403, "Not allowed", "You may not act on escalation " + id + ": " + r.why()
                    + ". The attempt is recorded in the ledger.", null);
            case Outcome.Conflict c -> Problem.response(409, "Conflict", c.why(), null);
        };
    }

    private Caller caller() {
        return new Caller(token.getName(), token.getGroups() == null ? Set.of() : Set.copyOf(token.getGroups()));
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Response notFound(String id) {
        return Problem.response(404, "Not Found", "No escalation " + id + " is visible to you.", null);
    }

    private TaskView view(EscalationTask t, List<String> approvers, List<TaskHistory> history) {
        return new TaskView(t.id.toString(), t.actionId, t.agentId, t.actionType, read(t.actionJson), t.pathwayId, t.anchor, t.level,
                t.assignee, t.status.name(), t.escalationReason, read(t.firedRulesJson), t.requiredApprovals, approvers,
                t.charterVersion, t.charterDigest, t.acknowledgeBy, t.resolveBy, t.status.isOpen() ? t.currentDeadline() : null,
                t.createdAt, t.resolvedAt, t.resolutionReason,
                history.stream().map(h -> new TaskView.HistoryView(h.at, h.kind, h.actor, h.detail)).toList());
    }

    private Object read(String text) {
        try {
            return json.readValue(text, Object.class);
        } catch (Exception e) {
            return text;
        }
    }
}
