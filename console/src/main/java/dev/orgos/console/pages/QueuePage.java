package dev.orgos.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgos.console.backend.Backend;
import dev.orgos.console.session.Sessions;
import dev.orgos.console.session.User;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * My queue: the escalations for me and my anchors, soonest deadline first. The page listens to
 * /queue/events and reloads its rows when the queue changes, so new escalations appear without
 * a reload.
 */
@Path("/queue")
@Produces(MediaType.TEXT_HTML)
public class QueuePage {

    @Inject
    Template queue;
    @Inject
    Backend backend;

    @GET
    @Blocking
    public TemplateInstance page(@Context HttpHeaders headers, @QueryParam("done") String done) {
        User user = Pages.user(headers);
        Backend.Answer a = backend.get(Backend.Service.ESCALATION, "/v1/escalations", Map.of(), user);
        return queue.data("user", user).data("items", a.ok() ? items(a.body()) : List.of()).data("error", a.problem())
                .data("done", done).data("page", "queue");
    }

    /** The rows alone, for the live refresh. */
    @GET
    @Path("/rows")
    @Blocking
    public TemplateInstance rows(@Context HttpHeaders headers) {
        User user = Pages.user(headers);
        Backend.Answer a = backend.get(Backend.Service.ESCALATION, "/v1/escalations", Map.of(), user);
        return queue.getFragment("rows").data("items", a.ok() ? items(a.body()) : List.of());
    }

    /** "changed" whenever the queue's content changes (checked every two seconds with the person's token). */
    @GET
    @Path("/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<String> events(@Context HttpHeaders headers) {
        User user = Sessions.user(headers).orElse(null);
        if (user == null) {
            return Multi.createFrom().empty();
        }
        AtomicReference<String> last = new AtomicReference<>();
        return Multi.createFrom().ticks().every(Duration.ofSeconds(2))
                .onItem().transformToUniAndConcatenate(tick -> Uni.createFrom().item(() -> fingerprint(user))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .filter(f -> f != null && !f.equals(last.getAndSet(f)))
                .map(f -> "changed");
    }

    private String fingerprint(User user) {
        Backend.Answer a = backend.get(Backend.Service.ESCALATION, "/v1/escalations", Map.of(), user);
        if (!a.ok()) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        a.body().forEach(t -> s.append(t.path("id").asText()).append(t.path("status").asText()).append(t.path("level").asText())
                .append(t.path("assignee").asText()).append(';'));
        return s.toString();
    }

    @io.quarkus.qute.TemplateData

    public record Item(String id, String actionId, String actionType, String agentId, String anchor, int level, String assignee, String status,
                       String reason, int requiredApprovals, String deadline) {
    }

    static List<Item> items(JsonNode list) {
        List<Item> items = new ArrayList<>();
        list.forEach(t -> items.add(new Item(t.path("id").asText(), t.path("actionId").asText(), t.path("actionType").asText(), t.path("agentId").asText(),
                t.path("anchor").asText(), t.path("level").asInt(), t.path("assignee").asText(null), t.path("status").asText(),
                t.path("reason").asText(), t.path("requiredApprovals").asInt(1), t.path("deadline").asText(null))));
        return items;
    }
}
