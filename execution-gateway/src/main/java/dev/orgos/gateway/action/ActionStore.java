package dev.orgos.gateway.action;

import dev.orgos.schema.Verdict;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** action_state in PostgreSQL: every write is an idempotent upsert, so replays change nothing. */
@Singleton
public class ActionStore {

    @Inject
    PgPool db;

    /** What an {@link ActionView} is read from. */
    private static final String COLUMNS = """
            action_id, agent_id, action_type, status, anchor, decided_by, reason, deadline, charter_version,
            trace_id, submitted_at, updated_at, outcome, outcome_summary""";

    /**
     * Records an action as PENDING unless something is already known about it (before it is sent).
     * A plain future, answered on the caller's Vert.x context: the submission's path has no Mutiny.
     */
    public CompletableFuture<Void> accepted(String actionId, String agentId, String actionType, String traceId, Instant at) {
        return acceptances.enqueue(Tuple.of(actionId, agentId, actionType, traceId, utc(at)));
    }

    private static final String ACCEPTED = """
            INSERT INTO action_state (action_id, agent_id, action_type, status, trace_id, submitted_at, updated_at)
            VALUES ($1, $2, $3, 'PENDING', $4, $5, $5)
            ON CONFLICT (action_id) DO NOTHING""";

    /**
     * Concurrent acceptances share a round trip and a commit. Rows go in action id order, as verdicts
     * do ({@link #applyAll}): two transactions that touch the same rows then lock them in the same
     * order and cannot deadlock.
     */
    private final StatementBatcher<Tuple, Void> acceptances = batched("acceptances", ACCEPTED, BY_ACTION_ID);

    /** A statement with no answer, batched, its rows run in {@code lockOrder}. */
    private StatementBatcher<Tuple, Void> batched(String what, String statement, java.util.Comparator<Tuple> lockOrder) {
        return new StatementBatcher<>(what,
                rows -> db.preparedQuery(statement).executeBatch(rows.stream().sorted(lockOrder).toList())
                        .map(done -> java.util.Collections.nCopies(rows.size(), (Void) null)),
                row -> db.preparedQuery(statement).execute(row).replaceWithVoid(),
                BATCH, BATCHES_IN_FLIGHT, ROUND_TRIP_LIMIT);
    }

    /**
     * Most statements in one round trip, and round trips at once, for each kind of statement batched.
     * One at a time made the largest batches and the most accepted actions per second under load
     * (GatewayLoad: 2,900-3,100/s; with 2 at once 2,780-2,900/s; with 8, 2,250/s): on two cores
     * shared by the whole mesh, the CPU a commit costs matters more than waiting for the one before.
     */
    private static final int BATCH = 256;
    private static final int BATCHES_IN_FLIGHT = 1;
    /**
     * How long a round trip to the database may take before the requests in it are answered 503 (retry
     * with the same key) and the next goes: far beyond any commit, short of a worker's own timeout.
     */
    public static final java.time.Duration ROUND_TRIP_LIMIT = java.time.Duration.ofSeconds(10);
    private static final java.util.Comparator<Tuple> BY_ACTION_ID = java.util.Comparator.comparing(t -> t.getString(0));
    /** Claims: (agent id, key) are their first two parameters. */
    private static final java.util.Comparator<Tuple> BY_AGENT_AND_KEY = java.util.Comparator.<Tuple, String>comparing(t -> t.getString(0))
            .thenComparing(t -> t.getString(1));

    /**
     * Applies verdicts. A final status (AUTONOMOUS, APPROVED, REJECTED, EXPIRED) is never
     * overwritten, and an escalated action's verdict never goes back in time, so redelivered or late
     * verdicts are harmless. Any verdict ends PENDING, whatever its time says: the router's clock is
     * not the gateway's, and its times travel in milliseconds while ours have microseconds (a verdict
     * decided within the millisecond of its acceptance looked older than it, and was dropped).
     * Verdicts are applied in one round trip, in topic order (a later verdict for an action wins).
     * Answers the states that changed, as they now are (a redelivered verdict changes none). Fails
     * with a TimeoutException after {@link #ROUND_TRIP_LIMIT} ({@link #bounded}), and the projector
     * tries a failed batch again.
     */
    public Uni<List<ActionView>> applyAll(List<Verdict> verdicts) {
        // in action id order (a stable sort: one action's verdicts keep their topic order), like acceptances
        List<Tuple> rows = verdicts.stream().sorted(java.util.Comparator.comparing(Verdict::getActionId))
                .map(v -> Tuple.from(Arrays.asList(v.getActionId(), v.getAgentId(), "unknown", v.getStatus().name(),
                        v.getAnchor().getRole(), String.join(",", v.getDecidedBy()), v.getReason(),
                        v.getDeadline() == null ? null : utc(v.getDeadline()), v.getCharterVersion(), utc(v.getOccurredAt()))))
                .toList();
        return bounded(db.preparedQuery(APPLY_VERDICT).executeBatch(rows).map(result -> {
            List<ActionView> changed = new java.util.ArrayList<>();
            for (io.vertx.mutiny.sqlclient.RowSet<Row> rs = result; rs != null; rs = rs.next()) {
                rs.forEach(r -> changed.add(view(r)));
            }
            announce(changed.stream().map(ActionView::actionId).toList());
            return changed;
        }), "verdicts");
    }

    /**
     * A single statement, bounded as the batched ones are: the database client itself waits for an
     * answer for ever, and a round trip whose answer is lost would hold its caller as long (a long
     * poll, an outcome report, a verdict batch). A statement the server is merely slow with (a row
     * lock held elsewhere) is cancelled by the server first: the connections' {@code statement_timeout}
     * (application.properties) is shorter, so nothing commits after its caller was told it failed.
     */
    private static <T> Uni<T> bounded(Uni<T> roundTrip, String what) {
        return StatementBatcher.bounded(roundTrip, what, ROUND_TRIP_LIMIT);
    }

    /**
     * Tells every replica's long polls and event streams that these actions changed: a notice per
     * batch on {@link StateChanges#CHANNEL}, the ids separated by spaces (an id has none, see
     * ActionContract.ID). It was a row trigger, a notice per row: under load that cost PostgreSQL
     * about 15 µs of CPU per action, an eighth of its share (docs/benchmarks.md). Sent after the
     * batch's commit, so whoever is woken reads the new state; not awaited, and lost if this replica
     * stops in between, which only delays the watchers elsewhere until their next look
     * ({@link StateChanges#FALLBACK}). Its commit does not wait for the disk: the notice is delivered
     * at commit either way, and it has nothing to keep.
     */
    private void announce(List<String> actionIds) {
        for (String payload : StateChanges.notices(actionIds)) {
            db.preparedQuery(ANNOUNCE).execute(Tuple.of(StateChanges.CHANNEL, payload)).subscribe().with(ok -> {
            }, e -> LOG.debugf("A notice of changed actions was not sent (%s); watchers elsewhere look again within %s",
                    e.getMessage(), StateChanges.FALLBACK));
        }
    }

    private static final String ANNOUNCE = "SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)";
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ActionStore.class);

    private static final String APPLY_VERDICT = """
            INSERT INTO action_state AS s (action_id, agent_id, action_type, status, anchor, decided_by, reason,
                                           deadline, charter_version, submitted_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
            ON CONFLICT (action_id) DO UPDATE SET
                status = EXCLUDED.status, anchor = EXCLUDED.anchor, decided_by = EXCLUDED.decided_by,
                reason = EXCLUDED.reason, deadline = EXCLUDED.deadline,
                charter_version = EXCLUDED.charter_version, updated_at = EXCLUDED.updated_at
            WHERE s.status = 'PENDING' OR (s.status = 'ESCALATED' AND s.updated_at <= EXCLUDED.updated_at)
            """ + "RETURNING " + COLUMNS;

    /**
     * Outcome of claiming an idempotency key: {@code fresh} for this request (and then the action is
     * recorded as PENDING by the same statement); otherwise the action it was first used for, whether
     * that was the same request, and whether that action is known to be on the broker
     * ({@code sent}) or may have been lost between the claim and the acknowledgement. {@code takenBy} is
     * set when the action id already belongs to another agent, and then nothing was claimed.
     * {@code sent} is known from the database only once the action is decided (its state is no longer
     * PENDING), or from a note made by a replica older than this version; until then only the
     * replica that sent it knows (AwaitingDecision).
     *
     * <p>{@code takenBy} is set, and nothing claimed, whenever the action id is already recorded under
     * another key: another agent's id, or this agent's own action first sent under another
     * idempotency key (or as a Kafka-native worker's record). Claiming the new key would send a second
     * request for an action the router decides once, and its answer would be the first request's
     * verdict, for a body never evaluated. {@code lostRace}: the key was claimed, but a request under
     * another key recorded the same action id at the same moment (another transaction, committed
     * first); the key must be given back ({@link #releaseKey}) and the claim made again.
     */
    public record Claim(boolean fresh, String actionId, boolean sameRequest, boolean sent, String takenBy, boolean lostRace) {
    }

    /**
     * Claims (agent, key) for this request and, when the claim is fresh, records the action as
     * PENDING, in one statement, unless the action id is already recorded (see {@link Claim}): the
     * statement checks the id, claims, records, and reads what was there before (every part of one statement sees
     * the same snapshot, so a fresh claim reads nothing back). Concurrent claims share a round trip
     * and a commit. A plain future, like {@link #accepted}.
     */
    public CompletableFuture<Claim> claim(String agentId, String key, String requestHash, String actionId, String actionType,
                                          String traceId, Instant at) {
        return claims.enqueue(Tuple.from(Arrays.asList(agentId, key, requestHash, actionId, actionType, traceId, utc(at))));
    }

    /**
     * The parameters' types are spelled out. Without them PostgreSQL deduced text for $1 in one place
     * and varchar in another and refused to prepare the statement; the client then prepared it again
     * with types of its own, so every claim paid a refused round trip first (8,000 of them in one
     * benchmark run). Found by a flight recording's exceptions, not by any failure.
     */
    private static final String CLAIM = """
            WITH owner AS (SELECT agent_id FROM action_state WHERE action_id = $4::varchar),
                 claimed AS (
                     INSERT INTO idempotency_key (agent_id, key, request_hash, action_id, created_at)
                     SELECT $1::varchar, $2::varchar, $3::varchar, $4::varchar, $7::timestamptz
                     WHERE NOT EXISTS (SELECT 1 FROM owner)
                     ON CONFLICT (agent_id, key) DO NOTHING RETURNING action_id),
                 recorded AS (
                     INSERT INTO action_state (action_id, agent_id, action_type, status, trace_id, submitted_at, updated_at)
                     SELECT action_id, $1::varchar, $5::varchar, 'PENDING', $6::varchar, $7::timestamptz, $7::timestamptz FROM claimed
                     ON CONFLICT (action_id) DO NOTHING RETURNING action_id),
                 earlier AS (SELECT k.action_id, k.request_hash, k.sent OR COALESCE(s.status <> 'PENDING', false) AS sent
                             FROM idempotency_key k LEFT JOIN action_state s ON s.action_id = k.action_id
                             WHERE k.agent_id = $1::varchar AND k.key = $2::varchar)
            SELECT (SELECT action_id FROM claimed) AS claimed, (SELECT action_id FROM recorded) AS recorded,
                   (SELECT agent_id FROM owner) AS owner,
                   e.action_id AS earlier_action, e.request_hash AS earlier_hash, e.sent AS earlier_sent
            FROM (SELECT 1) one LEFT JOIN earlier e ON true""";

    /** Claims in (agent, key) order, so that two batches claiming the same keys cannot deadlock. */
    private final StatementBatcher<Tuple, Claim> claims = new StatementBatcher<>("claims", this::claimAll,
            t -> db.preparedQuery(CLAIM).execute(t).map(rows -> claimFrom(rows.iterator().next(), t)), BATCH, BATCHES_IN_FLIGHT, ROUND_TRIP_LIMIT);

    private Uni<List<Claim>> claimAll(List<Tuple> requests) {
        Integer[] order = new Integer[requests.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, java.util.Comparator.comparing(requests::get, BY_AGENT_AND_KEY));
        List<Tuple> sorted = Arrays.stream(order).map(requests::get).toList();
        return db.preparedQuery(CLAIM).executeBatch(sorted).map(rows -> {
            Claim[] out = new Claim[requests.size()];
            io.vertx.mutiny.sqlclient.RowSet<Row> result = rows;
            for (int i = 0; i < order.length; i++, result = result.next()) {
                out[order[i]] = claimFrom(result.iterator().next(), requests.get(order[i]));
            }
            return Arrays.asList(out);
        });
    }

    private static Claim claimFrom(Row r, Tuple request) {
        String actionId = request.getString(3);
        String requestHash = request.getString(2);
        if (r.getString("claimed") != null) {
            boolean recorded = r.getString("recorded") != null;
            return new Claim(recorded, actionId, recorded, false, null, !recorded);
        }
        String earlier = r.getString("earlier_action");
        if (earlier != null) {
            return new Claim(false, earlier, requestHash.equals(r.getString("earlier_hash")),
                    Boolean.TRUE.equals(r.getBoolean("earlier_sent")), null, false);
        }
        return new Claim(false, actionId, false, true, r.getString("owner"), false);
    }

    /**
     * Undoes a submission that could not be sent, so that a retry can succeed: gives the key back
     * (when there is one) and forgets the PENDING state recorded for it.
     */
    public Uni<Void> unsent(String agentId, String key, String actionId) {
        Uni<Void> forget = bounded(db.preparedQuery("DELETE FROM action_state WHERE action_id = $1 AND agent_id = $2 AND status = 'PENDING'")
                .execute(Tuple.of(actionId, agentId)).replaceWithVoid(), "forgetting an unsent action");
        return key == null ? forget : releaseKey(agentId, key).chain(() -> forget);
    }

    /** Gives back a key claimed for an action id that a request under another key recorded first ({@link Claim#lostRace}). */
    public Uni<Void> releaseKey(String agentId, String key) {
        return bounded(db.preparedQuery("DELETE FROM idempotency_key WHERE agent_id = $1 AND key = $2")
                .execute(Tuple.of(agentId, key)).replaceWithVoid(), "giving an idempotency key back");
    }

    /** Batches that failed and were run one statement at a time instead, of every kind, since the start. */
    long failedBatches() {
        return acceptances.failedBatches() + claims.failedBatches();
    }

    /**
     * Records the reported outcome once, as not yet published, at the time it was reported: the
     * outcome and its fact carry that time however often they are published; false when one was
     * already recorded.
     */
    public Uni<Boolean> recordOutcome(String actionId, String outcome, String summary, Instant reportedAt) {
        return bounded(db.preparedQuery("""
                WITH recorded AS (
                    UPDATE action_state SET outcome = $2, outcome_summary = $3, outcome_at = $4, outcome_published = false
                    WHERE action_id = $1 AND outcome IS NULL RETURNING action_id)
                """ + NOTICE_OF + "recorded").execute(Tuple.of(actionId, outcome, summary, reportedAt.atOffset(java.time.ZoneOffset.UTC)))
                .map(rows -> rows.size() == 1), "recording an outcome");
    }

    /** The outcome recorded for an action: what was reported and when, and whether it is known to be published. */
    public record RecordedOutcome(String status, String summary, Instant reportedAt, boolean published) {
    }

    /** The outcome recorded for an action, or null when none is. */
    public Uni<RecordedOutcome> recordedOutcome(String actionId) {
        return bounded(db.preparedQuery("SELECT outcome, outcome_summary, outcome_at, outcome_published FROM action_state WHERE action_id = $1 "
                        + "AND outcome IS NOT NULL").execute(Tuple.of(actionId))
                .map(rows -> rows.iterator().hasNext() ? recordedOutcome(rows.iterator().next()) : null), "reading an outcome");
    }

    private static RecordedOutcome recordedOutcome(Row r) {
        // NULL: recorded before the column existed, and then published before the worker was answered
        return new RecordedOutcome(r.getString("outcome"), r.getString("outcome_summary"), instant(r.getOffsetDateTime("outcome_at")),
                !Boolean.FALSE.equals(r.getBoolean("outcome_published")));
    }

    /** Marks a recorded outcome published. */
    public Uni<Void> outcomePublished(String actionId) {
        return bounded(db.preparedQuery("UPDATE action_state SET outcome_published = true WHERE action_id = $1 AND outcome IS NOT NULL")
                .execute(Tuple.of(actionId)).replaceWithVoid(), "marking an outcome published");
    }

    /** An action whose reported outcome is not known to be published, and when it was reported. */
    public record UnpublishedOutcome(ActionView action, Instant reportedAt) {
    }

    /** Actions whose outcome was recorded longer than {@code olderThan} ago and is not known to be published, oldest first. */
    public Uni<List<UnpublishedOutcome>> unpublishedOutcomes(java.time.Duration olderThan) {
        return unpublished("SELECT " + COLUMNS + ", outcome_at FROM action_state WHERE outcome_published = false "
                        + "AND outcome_at < now() - make_interval(secs => $1) ORDER BY outcome_at LIMIT 100", olderThan,
                r -> new UnpublishedOutcome(view(r), instant(r.getOffsetDateTime("outcome_at"))), "looking for unpublished outcomes");
    }

    /** What an outbox sweep reads: the rows {@code query} finds recorded more than {@code olderThan} ago ({@code $1}, in seconds). */
    private <T> Uni<List<T>> unpublished(String query, java.time.Duration olderThan, java.util.function.Function<Row, T> read, String what) {
        return bounded(db.preparedQuery(query).execute(Tuple.of((double) olderThan.toMillis() / 1000))
                .map(rows -> {
                    List<T> found = new java.util.ArrayList<>();
                    rows.forEach(r -> found.add(read.apply(r)));
                    return found;
                }), what);
    }

    /** A report of executing an action that was not allowed, as recorded: everything its ledger fact says. */
    public record Violation(String eventId, String actionId, String agentId, String actionType, String traceId, String verdict,
                            String anchor, Long charterVersion, String reportedStatus, String summary, Instant reportedAt,
                            boolean published) {
    }

    private static final String VIOLATION_COLUMNS = """
            event_id, action_id, agent_id, action_type, trace_id, verdict, anchor, charter_version, reported_status, summary,
            reported_at, published""";

    /**
     * Records a violation once, as not yet published; the answer is the first report's row however
     * often the report is made, with its time and whether its fact is known to be published. (An
     * upsert that changes nothing, not {@code DO NOTHING}: it answers with the row that an identical
     * report made at the same moment inserted, which {@code DO NOTHING}'s snapshot would not show.)
     */
    public Uni<Violation> recordViolation(Violation v) {
        return bounded(db.preparedQuery("INSERT INTO action_violation (" + VIOLATION_COLUMNS + """
                        ) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, false)
                        ON CONFLICT (event_id) DO UPDATE SET event_id = EXCLUDED.event_id RETURNING\s""" + VIOLATION_COLUMNS)
                .execute(Tuple.from(Arrays.asList(v.eventId(), v.actionId(), v.agentId(), v.actionType(), v.traceId(), v.verdict(),
                        v.anchor(), v.charterVersion(), v.reportedStatus(), v.summary(), utc(v.reportedAt()))))
                .map(rows -> violation(rows.iterator().next())), "recording a violation");
    }

    /** Marks a recorded violation's fact published. */
    public Uni<Void> violationPublished(String eventId) {
        return bounded(db.preparedQuery("UPDATE action_violation SET published = true WHERE event_id = $1")
                .execute(Tuple.of(eventId)).replaceWithVoid(), "marking a violation published");
    }

    /** Violations recorded longer than {@code olderThan} ago and not known to be published, oldest first. */
    public Uni<List<Violation>> unpublishedViolations(java.time.Duration olderThan) {
        return unpublished("SELECT " + VIOLATION_COLUMNS + " FROM action_violation WHERE NOT published "
                + "AND reported_at < now() - make_interval(secs => $1) ORDER BY reported_at LIMIT 100", olderThan,
                ActionStore::violation, "looking for unpublished violations");
    }

    private static Violation violation(Row r) {
        return new Violation(r.getString("event_id"), r.getString("action_id"), r.getString("agent_id"), r.getString("action_type"),
                r.getString("trace_id"), r.getString("verdict"), r.getString("anchor"), r.getLong("charter_version"),
                r.getString("reported_status"), r.getString("summary"), instant(r.getOffsetDateTime("reported_at")),
                r.getBoolean("published"));
    }

    /** An outcome's change is announced in its own statement, so in its own commit: one row, one notice. */
    private static final String NOTICE_OF = "SELECT pg_notify('" + StateChanges.CHANNEL + "', action_id) FROM ";

    public Uni<ActionView> find(String actionId) {
        return bounded(db.preparedQuery(FIND).execute(Tuple.of(actionId))
                .map(rows -> rows.iterator().hasNext() ? view(rows.iterator().next()) : null), "reading an action's state");
    }

    /**
     * Columns by name, not {@code *}: prepared statements are cached per connection, and a cached
     * {@code SELECT *} fails once a migration adds a column under a running replica.
     */
    private static final String FIND = "SELECT " + COLUMNS + " FROM action_state WHERE action_id = $1";

    /** The statements on a submission's and a verdict's path: each must prepare without being told its parameters' types. */
    static final List<String> HOT_STATEMENTS = List.of(ACCEPTED, CLAIM, APPLY_VERDICT, ANNOUNCE, FIND);

    private static ActionView view(Row r) {
        String status = r.getString("status");
        String decidedBy = r.getString("decided_by");
        List<String> deciders = decidedBy == null || decidedBy.isEmpty() ? null : List.of(decidedBy.split(","));
        return new ActionView(r.getString("action_id"), r.getString("agent_id"), r.getString("action_type"), status,
                ActionView.allows(status), ActionView.terminal(status), r.getString("anchor"), deciders,
                r.getString("reason"), instant(r.getOffsetDateTime("deadline")), r.getLong("charter_version"),
                r.getString("trace_id"), instant(r.getOffsetDateTime("submitted_at")), instant(r.getOffsetDateTime("updated_at")),
                r.getString("outcome"), r.getString("outcome_summary"));
    }

    private static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
