package dev.orgos.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.orgos.console.backend.Backend;
import dev.orgos.console.session.User;
import io.quarkus.qute.Template;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One escalation: the action and why it stopped, the charter version, the history and comments;
 * acknowledge, approve, reject (with a reason), reassign, comment. Each button calls the
 * escalation service as the signed-in person: what it refuses is shown, never worked around.
 */
@Path("/tasks/{id}")
@Produces(MediaType.TEXT_HTML)
public class TaskPage {
    private static final Logger LOG = Logger.getLogger(TaskPage.class);
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Inject
    Template task;
    @Inject
    Backend backend;

    @io.quarkus.qute.TemplateData

    public record Rule(String ruleId, String kind, String explanation) {
    }

    @io.quarkus.qute.TemplateData

    public record Step(String at, String kind, String actor, String detail) {
    }

    @GET
    @Blocking
    public Response page(@PathParam("id") String id, @Context HttpHeaders headers, @QueryParam("done") String done,
                         @QueryParam("error") String error) {
        User user = Pages.user(headers);
        Backend.Answer a = backend.get(Backend.Service.ESCALATION, "/v1/escalations/" + id, Map.of(), user);
        if (!a.ok()) {
            return Response.status(a.status() == 404 ? 404 : 502).entity(task.data("user", user).data("t", null)
                    .data("error", a.status() == 404 ? "No escalation " + id + " is yours to see." : a.problem()).data("done", null)
                    .data("page", "queue")).build();
        }
        JsonNode t = a.body();
        List<Rule> rules = new ArrayList<>();
        t.path("firedRules").forEach(r -> rules.add(new Rule(r.path("ruleId").asText(), r.path("kind").asText(), r.path("explanation").asText())));
        List<Step> history = new ArrayList<>();
        t.path("history").forEach(h -> history.add(new Step(h.path("at").asText(), h.path("kind").asText(),
                h.path("actor").asText(null), h.path("detail").asText())));
        List<String> approvedBy = new ArrayList<>();
        t.path("approvedBy").forEach(x -> approvedBy.add(x.asText()));
        Map<String, String> parameters = new LinkedHashMap<>();
        JsonNode action = t.path("action");
        action.fieldNames().forEachRemaining(f -> {
            JsonNode v = action.get(f);
            if (!v.isNull() && !f.equals("eventId") && !f.equals("parameters")) {
                parameters.put(f, v.isTextual() ? v.asText() : v.toString());
            }
        });
        action.path("parameters").fields().forEachRemaining(e -> parameters.put("parameters." + e.getKey(),
                e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        boolean open = "OPEN".equals(t.path("status").asText()) || "ACKNOWLEDGED".equals(t.path("status").asText());
        @SuppressWarnings("unchecked")
        Map<String, Object> view = PRETTY.convertValue(t, Map.class);
        List<Step> comments = history.stream().filter(h -> "COMMENT".equals(h.kind())).toList();
        return Response.ok(task.data("user", user).data("t", view).data("rules", rules).data("history", history).data("comments", comments)
                .data("approvedBy", approvedBy).data("parameters", parameters).data("open", open)
                .data("error", error).data("done", done).data("page", "queue")).build();
    }

    @POST
    @Path("/{verb}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Blocking
    public Response act(@PathParam("id") String id, @PathParam("verb") String verb, @FormParam("reason") String reason,
                        @FormParam("to") String to, @FormParam("up") String up, @FormParam("text") String text,
                        @Context HttpHeaders headers) {
        User user = Pages.user(headers);
        String self = "/tasks/" + id;
        Map<String, Object> body = new LinkedHashMap<>();
        String done;
        switch (verb) {
            case "acknowledge" -> done = "You acknowledged this escalation.";
            case "approve" -> {
                if (reason != null && !reason.isBlank()) {
                    body.put("reason", reason.trim());
                }
                done = "You approved this escalation.";
            }
            case "reject" -> {
                if (reason == null || reason.isBlank()) {
                    return Pages.back(self, "error", "A rejection needs a reason: say why the action must not proceed.");
                }
                body.put("reason", reason.trim());
                done = "You rejected this escalation.";
            }
            case "reassign" -> {
                boolean upTheChain = "on".equals(up) || "true".equals(up);
                if (!upTheChain && (to == null || to.isBlank())) {
                    return Pages.back(self, "error", "Name the member to hand it to, or choose to move it up the chain.");
                }
                if (!upTheChain) {
                    body.put("to", to.trim());
                }
                body.put("up", upTheChain);
                if (reason != null && !reason.isBlank()) {
                    body.put("reason", reason.trim());
                }
                done = upTheChain ? "You moved this escalation up the chain." : "You handed this escalation to " + to.trim() + ".";
            }
            case "comments" -> {
                if (text == null || text.isBlank()) {
                    return Pages.back(self, "error", "A comment needs some text.");
                }
                body.put("text", text.trim());
                done = "Your comment was added.";
            }
            default -> {
                return Response.status(404).build();
            }
        }
        Backend.Answer a = backend.post(Backend.Service.ESCALATION, "/v1/escalations/" + id + "/" + verb, body, user);
        if (!a.ok()) {
            LOG.infof("%s could not %s escalation %s: %s", user.name(), verb, id, a.problem());
            return Pages.back(self, "error", (a.status() == 403 ? "Not allowed: " : "") + a.problem());
        }
        return Pages.back(self, "done", done);
    }

    static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        } catch (Exception e) {
            return node.toString();
        }
    }
}
