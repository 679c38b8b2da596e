package dev.orgos.gateway.action;

import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.ActionOutcome;
import dev.orgos.schema.AnchorRef;
import dev.orgos.schema.FactType;
import dev.orgos.schema.OutcomeStatus;
import dev.orgos.schema.Topics;
import dev.orgos.service.kafka.TransactionalProducer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Outcome reports, recorded once and published once, whatever crashes in between. The report is
 * recorded in {@code action_state} as not yet published, then its {@code ActionOutcome} and its
 * ledger fact go out in one Kafka transaction, then it is marked published: an outbox on the
 * action's own row. A report recorded but not published (the broker failed, or the gateway
 * stopped in between) is published by the worker's retry of the same report, or else by
 * {@link #sweep} on any replica.
 * Either may publish what was already published (the mark was lost); the events' ids are derived
 * from the report, so the ledger, which keeps the first of each id, seals it once. Violations go
 * the same way, from a table of their own ({@code action_violation}).
 */
@Singleton
public class OutcomeReports {
    private static final Logger LOG = Logger.getLogger(OutcomeReports.class);
    private static final SampledLog REPORT_LOG = new SampledLog(OutcomeReports.class, "%,d more outcomes were reported");
    /**
     * How often the unpublished reports are looked for, and how old one must be to be this replica's
     * to publish. Short, because a report published again is sealed once only if it reaches the
     * ledger while the ledger still remembers its id (its last 100,000 facts: 10 s at 10,000 facts a
     * second); one still being published by its own replica may go out twice, which that covers.
     * The query reads a partial index of the unpublished reports: a handful at most.
     */
    static final Duration SWEEP_EVERY = Duration.ofSeconds(5);

    @Inject
    ActionStore store;

    @Inject
    dev.orgos.service.kafka.MeshClients mesh;

    /** Unique per replica: reports are claimed on their rows, so the id only keeps each replica's transactions apart. */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "orgos.gateway.transactional-id")
    String transactionalId;

    /** The producer's own metrics (send rate, request latency, errors) in /q/metrics. */
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    /**
     * An outcome and its fact per report, a few reports per transaction, on a plain producer's
     * thread, every wait bounded ({@link TransactionalProducer#bounded}): a broker that is away
     * fails a publication, and the report is left to the sweep.
     */
    private TransactionalProducer outcomes;

    @jakarta.annotation.PostConstruct
    void producer() {
        outcomes = new TransactionalProducer("outcome reports",
                () -> TransactionalProducer.bounded(mesh.writer(), transactionalId, "orgos-gateway-outcomes"), registry);
    }

    @Inject
    io.vertx.mutiny.core.Vertx vertx;

    private long sweeper = -1;

    /** What became of a report. */
    public enum Result {
        /** Recorded and published now, or earlier by the same report. */
        RECORDED,
        /** Another outcome was reported for this action before: this one is refused. */
        ANOTHER_ALREADY_RECORDED
    }

    /** Records and publishes the worker's report of an action of its own. */
    public Uni<Result> report(ActionView view, String status, String summary) {
        String actionId = view.actionId();
        Instant reportedAt = Instant.now();
        return store.recordOutcome(actionId, status, summary, reportedAt).chain(first -> {
            if (first) {
                REPORT_LOG.log("Agent %s reports action %s (%s) %s: %s", view.agentId(), actionId, view.actionType(),
                        status.toLowerCase(java.util.Locale.ROOT), summary);
                return publishedOrLeftToTheSweep(actionId, publish(view, status, summary, reportedAt));
            }
            return store.recordedOutcome(actionId).chain(recorded -> {
                if (recorded == null || !recorded.status().equals(status) || !recorded.summary().equals(summary)) {
                    return Uni.createFrom().item(Result.ANOTHER_ALREADY_RECORDED);
                }
                // the same report again: the worker did not hear our answer, or we stopped before publishing
                return recorded.published() ? Uni.createFrom().item(Result.RECORDED)
                        : publishedOrLeftToTheSweep(actionId, publish(view, status, summary, recorded.reportedAt()));
            });
        });
    }

    /**
     * Once recorded, a report stands: one that cannot be published now is published by the sweep, and
     * the worker is answered as for any recorded report. It used to be forgotten again, so that the
     * worker's retry could report anew; but a publication slower than the sweep's 5 s could meanwhile
     * have been made by another replica's sweep, and then the outcome was on the mesh and in the
     * ledger while the action's row said none was reported, and a different second report went out too.
     */
    private static Uni<Result> publishedOrLeftToTheSweep(String actionId, Uni<Void> publication) {
        return publication.onFailure().recoverWithItem(e -> {
            LOG.warnf("The outcome of action %s is recorded but could not be published yet (%s); the sweep publishes it within %d s",
                    actionId, e.getMessage(), SWEEP_EVERY.toSeconds() * 2);
            return null;
        }).replaceWith(Result.RECORDED);
    }

    /**
     * A report of executing an action that was not allowed: a violation, recorded here, then in the
     * ledger. Its id is derived from the report and the verdict it broke, as an outcome's is: a
     * client's retry of a report whose answer it did not hear is the same violation, while the same
     * report against a later verdict (pending, then rejected) is a violation of its own. It is
     * recorded before it is published, and a report made again is answered from the record: its
     * fact always carries the first report's time, so the ledger, which keeps the first of each id,
     * knows from that time where to look for it. Once recorded, the violation stands: if it cannot
     * be published now, the sweep publishes it, since the worker that broke the rules is the last
     * one to count on for a retry.
     */
    public Uni<Void> violation(ActionView view, String reportedStatus, String summary) {
        String eventId = UUID.nameUUIDFromBytes(("violation\n" + view.actionId() + "\n" + view.status() + "\n" + reportedStatus + "\n"
                + summary).getBytes(StandardCharsets.UTF_8)).toString();
        ActionStore.Violation reported = new ActionStore.Violation(eventId, view.actionId(), view.agentId(), view.actionType(),
                view.traceId(), view.status(), view.anchor(), view.charterVersion(), reportedStatus, summary, Instant.now(), false);
        return store.recordViolation(reported).chain(recorded -> recorded.published() ? Uni.createFrom().voidItem()
                : publish(recorded).onFailure().recoverWithItem(e -> {
                    LOG.warnf("Violation %s (action %s) is recorded but its ledger fact could not be published yet (%s); the sweep "
                            + "publishes it within %d s", eventId, view.actionId(), e.getMessage(), SWEEP_EVERY.toSeconds() * 2);
                    return null;
                }));
    }

    /** Publishes a recorded violation's fact, then marks it published. */
    private Uni<Void> publish(ActionStore.Violation v) {
        AccountabilityFact fact = fact(v.actionId(), v.agentId(), v.anchor(), v.charterVersion(), v.traceId(), FactType.VIOLATION_RECORDED,
                v.eventId(), "Agent " + v.agentId() + " reported executing " + v.actionType() + " although its verdict is " + v.verdict()
                        + ": " + v.summary(), Map.of("reportedStatus", v.reportedStatus(), "verdict", v.verdict()), v.reportedAt());
        return send(List.of(traced(Topics.FACTS.topic(), v.actionId(), fact, v.traceId(), v.eventId())))
                .call(() -> store.violationPublished(v.eventId()).onFailure().recoverWithItem(e -> {
                    LOG.debugf("Violation %s was published but not marked so (%s)", v.eventId(), e.getMessage());
                    return null;
                }));
    }

    /**
     * Publishes the outcome and its fact in one transaction, then marks the report published. Both
     * carry the time of the report, not of this publication: a copy published again (the worker's
     * retry, the sweep) is then the same record, and the ledger knows from its time how far back to
     * look for the first.
     */
    private Uni<Void> publish(ActionView view, String status, String summary, Instant reportedAt) {
        String id = view.actionId();
        String eventId = UUID.nameUUIDFromBytes(("outcome\n" + id + "\n" + status + "\n" + summary).getBytes(StandardCharsets.UTF_8)).toString();
        ActionOutcome outcome = ActionOutcome.newBuilder().setEventId(eventId).setActionId(id)
                .setAgentId(view.agentId()).setOccurredAt(reportedAt).setStatus(OutcomeStatus.valueOf(status))
                .setSummary(summary).setAnchor(AnchorRef.newBuilder().setRole(anchor(view)).build()).build();
        String factId = UUID.nameUUIDFromBytes(("outcome fact\n" + eventId).getBytes(StandardCharsets.UTF_8)).toString();
        AccountabilityFact fact = fact(view, FactType.OUTCOME_REPORTED, factId, "Agent " + view.agentId() + " reports "
                + view.actionType() + " " + status.toLowerCase() + ": " + summary, Map.of("status", status), reportedAt);
        return send(List.of(traced(Topics.OUTCOMES.topic(), id, outcome, view.traceId(), eventId),
                traced(Topics.FACTS.topic(), id, fact, view.traceId(), factId)))
                .call(() -> store.outcomePublished(id).onFailure().recoverWithItem(e -> {
                    // published all the same: at worst it is published again, under the same ids
                    LOG.debugf("The outcome of %s was published but not marked so (%s)", id, e.getMessage());
                    return null;
                }));
    }

    /**
     * A record in the trace it belongs to: the worker's request that reported it, or, for the sweep,
     * which has no request, the action's own trace (as the escalation relay does), so that the
     * ledger's span for it joins a trace either way.
     */
    static ProducerRecord<String, SpecificRecord> traced(String topic, String key, SpecificRecord value, String actionTraceId,
                                                         String eventId) {
        ProducerRecord<String, SpecificRecord> r = new ProducerRecord<>(topic, key, value);
        io.opentelemetry.context.Context now = io.opentelemetry.context.Context.current();
        if (io.opentelemetry.api.trace.Span.fromContext(now).getSpanContext().isValid()) {
            io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator.getInstance().inject(now, r,
                    (rec, name, v) -> rec.headers().add(name, v.getBytes(StandardCharsets.UTF_8)));
        } else if (actionTraceId != null && actionTraceId.matches("[0-9a-f]{32}") && !actionTraceId.matches("0+")) {
            String span = eventId.replace("-", "");
            span = span.length() >= 16 ? span.substring(span.length() - 16) : "";
            if (!span.matches("[0-9a-f]{16}") || span.matches("0+")) {
                span = "0000000000000001";
            }
            r.headers().add("traceparent", ("00-" + actionTraceId + "-" + span + "-01").getBytes(StandardCharsets.US_ASCII));
        }
        return r;
    }

    /** A report's records, waiting for a transaction. */
    private record Pending(List<ProducerRecord<String, SpecificRecord>> records, CompletableFuture<Void> sent,
                           io.vertx.core.Context context) {
    }

    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private boolean inTransaction;

    /**
     * Both records or neither. The producer holds one transaction at a time, so reports that arrive
     * while one is open wait here, and those that waited go out together in the next transaction,
     * all or none of them: one transaction for several reports, not one each in a line.
     */
    private Uni<Void> send(List<ProducerRecord<String, SpecificRecord>> records) {
        return Uni.createFrom().completionStage(() -> {
            Pending p = new Pending(records, new CompletableFuture<>(), io.vertx.core.Vertx.currentContext());
            synchronized (this) {
                waiting.add(p);
            }
            next();
            return p.sent();
        });
    }

    private void next() {
        List<Pending> taken;
        synchronized (this) {
            if (inTransaction || waiting.isEmpty()) {
                return;
            }
            inTransaction = true;
            taken = new ArrayList<>(waiting);
            waiting.clear();
        }
        List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();
        taken.forEach(p -> records.addAll(p.records()));
        outcomes.commit(records).subscribe().with(ok -> finished(taken, null), e -> finished(taken, e));
    }

    private void finished(List<Pending> taken, Throwable failure) {
        synchronized (this) {
            inTransaction = false;
        }
        for (Pending p : taken) {
            Runnable answer = failure == null ? () -> p.sent().complete(null) : () -> p.sent().completeExceptionally(failure);
            if (p.context() == null) {
                answer.run();
            } else {
                p.context().runOnContext(v -> answer.run());
            }
        }
        next();
    }

    private static String anchor(ActionView view) {
        return anchor(view.anchor());
    }

    private static String anchor(String anchor) {
        return anchor == null ? "governance-board" : anchor;
    }

    private static AccountabilityFact fact(ActionView view, FactType type, String eventId, String summary, Map<String, String> details,
                                           Instant occurredAt) {
        return fact(view.actionId(), view.agentId(), view.anchor(), view.charterVersion(), view.traceId(), type, eventId, summary, details,
                occurredAt);
    }

    private static AccountabilityFact fact(String actionId, String agentId, String anchor, Long charterVersion, String traceId, FactType type,
                                           String eventId, String summary, Map<String, String> details, Instant occurredAt) {
        return AccountabilityFact.newBuilder().setEventId(eventId).setActionId(actionId)
                .setAgentId(agentId).setOccurredAt(occurredAt).setFactType(type).setSource("execution-gateway")
                .setAnchor(AnchorRef.newBuilder().setRole(anchor(anchor)).build()).setCharterVersion(charterVersion)
                .setTraceId(traceId).setSummary(summary).setDetails(details).build();
    }

    void start(@Observes StartupEvent ignored) {
        sweeper = vertx.setPeriodic(SWEEP_EVERY.toMillis(), t -> sweep().subscribe().with(n -> {
            if (n > 0) {
                LOG.infof("Published %d outcome report(s) or violation(s) recorded earlier whose publication had not finished", n);
            }
        }, e -> LOG.warnf("Outcome reports and violations recorded but not yet published could not be looked for (%s); looking again in %s s",
                e.getMessage(), SWEEP_EVERY.toSeconds())));
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
        outcomes.close(); // once the transaction in progress, if any, has been written or failed
    }

    /**
     * Publishes the outcome reports and violations recorded more than {@link #SWEEP_EVERY} ago and
     * not yet published: their replica stopped in between, or the broker failed, and the worker did
     * not retry. Answers how many were published.
     */
    public Uni<Integer> sweep() {
        Uni<Integer> outcomes = store.unpublishedOutcomes(SWEEP_EVERY).onItem().transformToMulti(views -> Multi.createFrom().iterable(views))
                .onItem().transformToUniAndConcatenate(u -> publish(u.action(), u.action().outcome(), u.action().outcomeSummary(), u.reportedAt()))
                .collect().asList().map(List::size);
        Uni<Integer> violations = store.unpublishedViolations(SWEEP_EVERY).onItem().transformToMulti(v -> Multi.createFrom().iterable(v))
                .onItem().transformToUniAndConcatenate(this::publish)
                .collect().asList().map(List::size);
        return outcomes.chain(o -> violations.map(v -> o + v));
    }
}
