package dev.orgos.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orgos.console.backend.Backend;
import dev.orgos.console.session.User;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
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

/**
 * The ledger for auditors: search by action, agent, anchor, pathway and time; an entry with its
 * hash, and its inclusion proof checked in the browser against the latest signed checkpoint.
 */
@Path("/ledger")
public class LedgerPage {

    @Inject
    Template ledger;
    @Inject
    Template entry;
    @Inject
    Backend backend;

    @io.quarkus.qute.TemplateData

    public record Row(long sequence, String sealedAt, String factType, String actionId, String agentId, String anchor,
                      String pathwayId, String charterVersion, String summary) {
    }

    @GET
    @Blocking
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance search(@Context HttpHeaders headers, @QueryParam("actionId") String actionId,
                                   @QueryParam("agentId") String agentId, @QueryParam("anchor") String anchor,
                                   @QueryParam("pathwayId") String pathwayId, @QueryParam("from") String from,
                                   @QueryParam("to") String to) {
        User user = Pages.user(headers);
        Map<String, String> q = new LinkedHashMap<>();
        q.put("actionId", actionId);
        q.put("agentId", agentId);
        q.put("anchor", anchor);
        q.put("pathwayId", pathwayId);
        q.put("limit", "200");
        boolean byTime = (from != null && !from.isBlank()) || (to != null && !to.isBlank());
        if (byTime) {
            q.put("from", from);
            q.put("to", to);
        }
        Backend.Answer a = backend.get(Backend.Service.LEDGER, byTime ? "/v1/ledger/entries/between" : "/v1/ledger/entries", q, user);
        List<Row> rows = new ArrayList<>();
        if (a.ok()) {
            a.body().forEach(e -> rows.add(row(e)));
        }
        String problem = a.status() == 403 ? notShown(user) : a.problem();
        return ledger.data("user", user).data("rows", rows).data("error", problem).data("page", "ledger").data("done", null)
                .data("forbidden", a.status() == 403).data("auditor", user.groups().contains("auditor"))
                .data("q", Map.of("actionId", n(actionId), "agentId", n(agentId), "anchor", n(anchor), "pathwayId", n(pathwayId),
                        "from", n(from), "to", n(to)));
    }

    @GET
    @Path("/{sequence}")
    @Blocking
    @Produces(MediaType.TEXT_HTML)
    public Response entry(@PathParam("sequence") long sequence, @Context HttpHeaders headers, @QueryParam("done") String done,
                          @QueryParam("error") String error) {
        User user = Pages.user(headers);
        Found found = find(sequence, user);
        Backend.Answer a = found.answer();
        JsonNode e = found.entry();
        String problem = a.status() == 403 ? notShown(user) : !a.ok() ? a.problem() : e == null ? "No ledger entry #" + sequence + " is stored yet." : error;
        Object view = e == null ? null : new com.fasterxml.jackson.databind.ObjectMapper().convertValue(e, Map.class);
        return Response.status(e == null ? (a.status() == 403 ? 403 : 404) : 200).entity(entry.data("user", user).data("e", view)
                .data("fact", e == null ? null : TaskPage.pretty(e.path("fact"))).data("error", problem).data("done", done)
                .data("page", "ledger")).type(MediaType.TEXT_HTML).build();
    }

    /**
     * Everything the browser needs to check the entry itself: the entry's bytes, the inclusion
     * proof in the tree of the latest signed checkpoint, that checkpoint, and the published key.
     */
    @GET
    @Path("/{sequence}/proof")
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    public Response proof(@PathParam("sequence") long sequence, @Context HttpHeaders headers) {
        User user = Pages.user(headers);
        ObjectNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        Found found = find(sequence, user);
        Backend.Answer checkpoint = backend.get(Backend.Service.LEDGER, "/v1/ledger/checkpoints/latest", Map.of(), user);
        Backend.Answer key = backend.get(Backend.Service.LEDGER, "/.well-known/orgos-ledger-key", Map.of(), user);
        if (found.entry() == null || !checkpoint.ok() || !key.ok()) {
            out.put("problem", !found.answer().ok() ? found.answer().problem() : found.entry() == null ? "no such entry"
                    : !checkpoint.ok() ? checkpoint.problem() : key.problem());
            return Response.ok(out).build();
        }
        out.set("entry", found.entry());
        out.set("checkpoint", checkpoint.body());
        out.set("key", key.body());
        long treeSize = checkpoint.body().path("treeSize").asLong();
        if (sequence < treeSize) {
            Backend.Answer proof = backend.get(Backend.Service.LEDGER, "/v1/ledger/proofs/inclusion",
                    Map.of("sequence", Long.toString(sequence), "treeSize", Long.toString(treeSize)), user);
            if (proof.ok()) {
                out.set("proof", proof.body());
            } else {
                out.put("problem", proof.problem());
            }
        }
        return Response.ok(out).build();
    }

    /** Asks the ledger to sign a checkpoint now (for an entry newer than the latest one). */
    @POST
    @Path("/{sequence}/checkpoint")
    @Blocking
    public Response signCheckpoint(@PathParam("sequence") long sequence, @Context HttpHeaders headers) {
        User user = Pages.user(headers);
        Backend.Answer a = backend.post(Backend.Service.LEDGER, "/v1/ledger/checkpoints", Map.of(), user);
        return a.ok() ? Pages.back("/ledger/" + sequence, "done", "A checkpoint was signed: " + a.body().path("treeSize").asLong() + " entries.")
                : Pages.back("/ledger/" + sequence, "error", a.problem());
    }

    /** The ledger's answer, and entry #sequence in it when the ledger shows it to this person. */
    private record Found(Backend.Answer answer, JsonNode entry) {
    }

    /**
     * Entry #sequence: the first entry after sequence - 1 that the person may see, if it is that
     * one (for someone who is not an auditor, the next entry naming them may come later).
     */
    private Found find(long sequence, User user) {
        Backend.Answer a = backend.get(Backend.Service.LEDGER, "/v1/ledger/entries",
                Map.of("after", Long.toString(sequence - 1), "limit", "1"), user);
        boolean there = a.ok() && a.body().size() == 1 && a.body().get(0).path("sequence").asLong() == sequence;
        return new Found(a, there ? a.body().get(0) : null);
    }

    private static String notShown(User user) {
        return "The ledger is not shown to " + user.name() + " (" + user.roles()
                + "): auditors read all of it, people the entries that name them.";
    }

    static Row row(JsonNode e) {
        return new Row(e.path("sequence").asLong(), e.path("sealedAt").asText(), e.path("factType").asText(), e.path("actionId").asText(""),
                e.path("agentId").asText(""), e.path("anchorRole").asText("") + (e.hasNonNull("anchorPerson") ? " (" + e.path("anchorPerson").asText() + ")" : ""),
                e.path("pathwayId").asText(""), e.hasNonNull("charterVersion") ? "v" + e.path("charterVersion").asText() : "",
                e.path("fact").path("summary").asText(""));
    }

    private static String n(String s) {
        return s == null ? "" : s;
    }
}
