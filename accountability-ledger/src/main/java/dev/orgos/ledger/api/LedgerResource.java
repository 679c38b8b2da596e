package dev.orgos.ledger.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Ledger entries for auditors, oldest first, filtered and paged by sequence. Each entry carries
 * the fact both readable ({@code fact}) and as the exact bytes its hash covers ({@code factBytes},
 * base64), so anyone can recompute the chain from this API alone.
 */
@Path("/v1/ledger")
@RolesAllowed("**")
@Produces(MediaType.APPLICATION_JSON)
public class LedgerResource {

    @Inject
    PgPool db;

    /**
     * Auditors read every entry. Any other person reads the entries that name them as the human
     * who acted (their own decisions, so they can find them and check their proofs); an agent
     * reads none: it is not the ledger's audience.
     */
    @Inject
    org.eclipse.microprofile.jwt.JsonWebToken caller;

    private String onlyEntriesOf() {
        java.util.Set<String> groups = caller.getGroups() == null ? java.util.Set.of() : caller.getGroups();
        if (groups.contains("auditor")) {
            return null;
        }
        if (groups.contains("agent")) {
            throw new jakarta.ws.rs.WebApplicationException(dev.orgos.service.problem.Problem.response(403, "Forbidden",
                    "Agents do not read the ledger; auditors do, and people read the entries that name them.", null));
        }
        return caller.getName();
    }

    public record EntryView(long sequence, Instant sealedAt, String factEventId, String factType, String actionId,
                            String agentId, String anchorRole, String anchorPerson, String pathwayId, Long charterVersion,
                            String charterDigest, String traceId, @JsonRawValue String fact, String factBytes,
                            String previousHash, String entryHash) {
    }

    @GET
    @Path("/entries")
    public Uni<List<EntryView>> entries(@QueryParam("actionId") String actionId, @QueryParam("agentId") String agentId,
                                        @QueryParam("anchor") String anchor, @QueryParam("pathwayId") String pathwayId,
                                        @QueryParam("after") @DefaultValue("-1") long after,
                                        @QueryParam("limit") @DefaultValue("100") int limit) {
        return entries(actionId, agentId, anchor, pathwayId, null, null, after, limit);
    }

    /** Filtered by time too: {@code from} inclusive, {@code to} exclusive, ISO-8601 instants. */
    @GET
    @Path("/entries/between")
    public Uni<List<EntryView>> entriesBetween(@QueryParam("from") String from, @QueryParam("to") String to,
                                               @QueryParam("actionId") String actionId, @QueryParam("agentId") String agentId,
                                               @QueryParam("anchor") String anchor, @QueryParam("pathwayId") String pathwayId,
                                               @QueryParam("after") @DefaultValue("-1") long after,
                                               @QueryParam("limit") @DefaultValue("100") int limit) {
        return entries(actionId, agentId, anchor, pathwayId, instant("from", from), instant("to", to), after, limit);
    }

    private static java.time.OffsetDateTime instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value).atOffset(java.time.ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            throw new jakarta.ws.rs.WebApplicationException(dev.orgos.service.problem.Problem.response(400, "Invalid query",
                    "A time filter is not an ISO-8601 instant.", List.of(new dev.orgos.service.problem.Problem.FieldError(name,
                            "must be an ISO-8601 instant such as 2026-11-26T10:00:00Z"))));
        }
    }

    private Uni<List<EntryView>> entries(String actionId, String agentId, String anchor, String pathwayId,
                                         java.time.OffsetDateTime from, java.time.OffsetDateTime to, long after, int limit) {
        String person = onlyEntriesOf();
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT * FROM ledger_entry WHERE sequence > $1");
        args.add(after);
        if (person != null) {
            args.add(person);
            sql.append(" AND anchor_person = $").append(args.size());
        }
        filter(sql, args, "action_id", actionId);
        filter(sql, args, "agent_id", agentId);
        filter(sql, args, "anchor_role", anchor);
        filter(sql, args, "pathway_id", pathwayId);
        if (from != null) {
            args.add(from);
            sql.append(" AND sealed_at >= $").append(args.size());
        }
        if (to != null) {
            args.add(to);
            sql.append(" AND sealed_at < $").append(args.size());
        }
        args.add(Math.max(1, Math.min(limit, 10_000)));
        sql.append(" ORDER BY sequence LIMIT $").append(args.size());
        return db.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(rows -> {
            List<EntryView> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(view(r));
            }
            return out;
        });
    }

    /** The same entries as JSON lines, for export: one entry per line, oldest first. */
    @GET
    @Path("/entries.jsonl")
    @Produces("application/jsonl")
    public Uni<String> export(@QueryParam("actionId") String actionId, @QueryParam("agentId") String agentId,
                              @QueryParam("anchor") String anchor, @QueryParam("pathwayId") String pathwayId,
                              @QueryParam("after") @DefaultValue("-1") long after,
                              @QueryParam("limit") @DefaultValue("1000") int limit) {
        return entries(actionId, agentId, anchor, pathwayId, after, limit).map(list -> {
            StringBuilder out = new StringBuilder();
            for (EntryView e : list) {
                try {
                    out.append(JSON.writeValueAsString(e)).append('\n');
                } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                    throw new IllegalStateException(ex);
                }
            }
            return out.toString();
        });
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static void filter(StringBuilder sql, List<Object> args, String column, String value) {
        if (value != null && !value.isBlank()) {
            args.add(value);
            sql.append(" AND ").append(column).append(" = $").append(args.size());
        }
    }

    private static EntryView view(Row r) {
        Base64.Encoder b64 = Base64.getEncoder();
        return new EntryView(r.getLong("sequence"), r.getOffsetDateTime("sealed_at").toInstant(), r.getString("fact_event_id"),
                r.getString("fact_type"), r.getString("action_id"), r.getString("agent_id"), r.getString("anchor_role"),
                r.getString("anchor_person"), r.getString("pathway_id"), r.getLong("charter_version"),
                r.getString("charter_digest"), r.getString("trace_id"),
                new String(r.getBuffer("fact").getBytes(), StandardCharsets.UTF_8), b64.encodeToString(r.getBuffer("fact").getBytes()),
                b64.encodeToString(r.getBuffer("previous_hash").getBytes()), b64.encodeToString(r.getBuffer("entry_hash").getBytes()));
    }
}
