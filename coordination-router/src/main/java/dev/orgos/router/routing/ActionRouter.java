package dev.orgos.router.routing;

import dev.orgos.governance.decision.ActionContract;
import dev.orgos.governance.decision.CharterEvaluator;
import dev.orgos.governance.decision.Decision;
import dev.orgos.governance.decision.Outcome;
import dev.orgos.router.Channels;
import dev.orgos.router.charter.Charters;
import dev.orgos.router.charter.RouterConfig;
import dev.orgos.router.state.PartitionState;
import dev.orgos.router.state.StateStore;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.BudgetCharge;
import dev.orgos.schema.RouterStateDelta;
import dev.orgos.schema.Topics;
import dev.orgos.service.kafka.OtherContracts;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consume-transform-produce, exactly once: each batch of actions is decided and every output
 * (decision, verdict or escalation request, ledger fact, dead letters, and the state delta of
 * each partition) is written in one Kafka transaction together with the consumed offsets. A
 * crash anywhere aborts the transaction; the batch is decided again from the last committed
 * offsets with the state as committed, so no action is lost or decided twice.
 *
 * <p>Ordering: the actions topic is keyed by agent id, so one agent's actions are decided in
 * the order it submitted them and its budgets live in one partition. A charter activation
 * marker in a partition switches that partition's charter at exactly that point. Outputs are
 * keyed by action id, so each action's events stay in order downstream.
 */
@ApplicationScoped
public class ActionRouter {
    private static final Logger LOG = Logger.getLogger(ActionRouter.class);

    @Inject
    RoutingTransactions transactions;

    @Inject
    Charters charters;

    @Inject
    StateStore store;

    @Inject
    RouterConfig config;

    @Inject
    RoutingMetrics metrics;

    @Inject
    io.opentelemetry.api.trace.Tracer tracer;

    Clock clock = Clock.systemUTC();

    @Inject
    dev.orgos.service.kafka.Rewinds rewinds;

    @Incoming(Channels.ACTIONS_IN)
    public Uni<Void> route(KafkaRecordBatch<String, ActionProposed> batch) {
        // the consumer group's generation when these records were read: if the group has
        // rebalanced since, their partitions may be another router's now, and nothing is written
        int generation = batch.getMetadata(IncomingKafkaRecordBatchMetadata.class)
                .map(IncomingKafkaRecordBatchMetadata::getConsumerGroupGenerationId).orElse(-1);
        Set<Integer> partitions = batch.getRecords().stream().map(KafkaRecord::getPartition).collect(Collectors.toSet());
        List<String> markers = batch.getRecords().stream().map(ActionRouter::activation).filter(k -> k != null).distinct().toList();
        Uni<?> chartersReady = markers.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(markers.stream().map(charters::awaitCharter).toList()).andCollectFailures();
        RoutingMetrics.Tally tally = new RoutingMetrics.Tally();
        // one span per routing transaction (per action spans cost more than deciding): how many, where, how long
        io.opentelemetry.api.trace.Span span = tracer.spanBuilder("orgos.actions route")
                .setSpanKind(io.opentelemetry.api.trace.SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka").setAttribute("messaging.destination.name", Topics.ACTIONS.topic())
                .setAttribute("messaging.batch.message_count", batch.getRecords().size())
                .setAttribute("orgos.partitions", partitions.toString()).startSpan();
        return chartersReady
                .chain(() -> store.states(partitions))
                .chain(states -> {
                    RoutingTransactions.Outputs out = new RoutingTransactions.Outputs();
                    Map<Integer, Delta> deltas = new LinkedHashMap<>();
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    try {
                        for (KafkaRecord<String, ActionProposed> record : batch) {
                            PartitionState state = states.get(record.getPartition());
                            Delta delta = deltas.computeIfAbsent(record.getPartition(), p -> new Delta(p, record.getTopic()));
                            routeOne(record, state, delta, out, tally);
                            delta.nextOffset = offset(record) + 1; // a partition's records come in offset order
                        }
                        for (Delta d : deltas.values()) {
                            d.send(out, states.get(d.partition).charterKey(), clock.instant());
                            offsets.put(new TopicPartition(d.topic, d.partition), new OffsetAndMetadata(d.nextOffset));
                        }
                    } catch (RuntimeException e) {
                        // handled like any failed transaction below: nothing of the batch is written
                        return Uni.createFrom().failure(e);
                    }
                    return transactions.commit(out, offsets, generation).invoke(() -> summarize(deltas.values()));
                })
                .invoke(() -> metrics.committed(tally))
                .invoke(() -> rewinds.succeeded(Channels.ACTIONS_IN))
                .invoke(() -> span.end())
                .onFailure().recoverWithUni(e -> {
                    span.recordException(e);
                    span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, "routing transaction failed; the batch is decided again");
                    span.end();
                    // The states may hold the failed batch's changes: rebuilt from the state topic, as committed.
                    LOG.infof("A routing transaction over partitions %s failed; they will be rebuilt from the state topic", partitions);
                    store.forget(partitions);
                    // Never a failed Uni: SmallRye would end the channel and this router would stop routing for good.
                    return rewinds.rewind(Channels.ACTIONS_IN, e);
                });
    }

    private static long offset(KafkaRecord<String, ?> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow().getOffset();
    }

    /**
     * The most bytes an action record may take. Its escalation request carries it whole, a few hundred
     * bytes larger: an action near Kafka's 1 MiB limit (which a worker writing the topic directly can
     * send; the gateway takes bodies of 64 KiB) made a request the broker refuses, the routing
     * transaction failed at every try, and every action behind it in its partition waited for ever.
     */
    static final int LARGEST_ACTION = 256 * 1024;

    /** The value, the key and the headers (the trace's go on to every output): what the outputs carry of it. */
    static int recordSize(org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> r) {
        int size = Math.max(0, r.serializedValueSize()) + Math.max(0, r.serializedKeySize());
        for (var h : r.headers()) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    static String tooLarge(int bytes) {
        return String.format(java.util.Locale.ROOT, "the action takes %,d bytes with its key and headers, more than the %,d an action may: its escalation "
                + "carries it whole, and a record the broker refuses would stop routing behind it", bytes, LARGEST_ACTION);
    }

    /** Whether the operator has been told that the actions topic takes the producers' time (once per process). */
    private volatile boolean toldOfProducersTime;

    private void warnIfProducersTime(org.apache.kafka.common.record.TimestampType type) {
        String warning = producersTimeWarning(type, dev.orgos.schema.Topics.ACTIONS.topic());
        if (warning != null) {
            toldOfProducersTime = true;
            LOG.warn(warning);
        }
    }

    /**
     * What to tell the operator when an action carries its producer's time: a topic created before it
     * was made LogAppendTime keeps CreateTime until someone alters it, and until then a worker that
     * writes the topic directly chooses which budget window its actions are charged to. Null when the
     * time is the broker's.
     */
    static String producersTimeWarning(org.apache.kafka.common.record.TimestampType type, String topic) {
        return type == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME ? null
                : "Actions on " + topic + " carry their producer's time (" + type + "), not the "
                + "broker's: a worker that writes the topic directly can date its actions into whichever budget window it likes. "
                + "Make the topic take the broker's time: kafka-configs --alter --entity-type topics --entity-name "
                + topic + " --add-config message.timestamp.type=LogAppendTime (docs/operations.md)";
    }

    private void routeOne(KafkaRecord<String, ActionProposed> record, PartitionState state, Delta delta,
                          RoutingTransactions.Outputs tx, RoutingMetrics.Tally tally) {
        String marker = activation(record);
        if (marker != null) {
            if (!marker.equals(state.charterKey())) {
                delta.previousCharter = state.charterKey();
                state.activate(marker);
                delta.charterChanged = true;
                LOG.infof("Partition %d now decides under charter %s (previously %s)", record.getPartition(), marker,
                        delta.previousCharter == null ? "none" : delta.previousCharter);
            }
            return;
        }
        Object payload = record.getPayload(); // read as Object: see OtherContracts
        if (!(payload instanceof ActionProposed action)) {
            DeadLetters.send(tx, record, payload == null ? reasonFromHeaders(record.getHeaders())
                    : OtherContracts.notThe("an ActionProposed", payload), clock.instant());
            tally.deadLettered();
            return;
        }
        var meta = record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        int size = recordSize(meta.getRecord());
        if (size > LARGEST_ACTION) {
            DeadLetters.send(tx, record, tooLarge(size), clock.instant());
            tally.deadLettered();
            return;
        }
        var core = WireMapping.toCore(action);
        var problems = ActionContract.problems(core);
        if (!problems.isEmpty()) {
            DeadLetters.send(tx, record, problems.stream().map(p -> "field '" + p.field() + "' " + p.message())
                    .collect(Collectors.joining("; ")), clock.instant());
            tally.deadLettered();
            return;
        }
        Instant now = clock.instant();
        // noted before the charter is applied: if anything below fails, the transaction aborts and
        // the partition's state is rebuilt from the state topic without it
        if (!state.decideOnce(action.getActionId(), now)) {
            LOG.infof("Action %s from agent %s was already decided; the resubmission gets no second decision",
                    action.getActionId(), action.getAgentId());
            return;
        }
        delta.decided.add(action.getActionId());
        // The record's own time, not the wall clock: a batch decided again after a crash sees the same budgets.
        // The broker's time (the actions topic is LogAppendTime), not the producer's: a worker writing the topic
        // directly must not choose which budget window its action falls in.
        Instant at = record.getTimestamp();
        if (!toldOfProducersTime) {
            warnIfProducersTime(meta.getTimestampType());
        }
        CharterEvaluator evaluator = charters.evaluator(state.charterKey());
        Decision decision = evaluator.evaluate(core, at, state);
        evaluator.chargeBudgets(decision, core, at, (agent, pathway, budget, when, amount) -> {
            String budgetKey = PartitionState.budgetKey(agent, pathway, budget);
            state.charge(budgetKey, when, amount);
            delta.charges.add(BudgetCharge.newBuilder().setKey(budgetKey).setAt(when).setAmount(amount).build());
        });
        Headers trace = traceHeaders(record.getHeaders());
        String traceId = traceId(trace);
        String key = action.getActionId();
        send(tx, Topics.DECISIONS, key, WireMapping.decision(action, decision, now), trace);
        send(tx, Topics.VERDICTS, key, WireMapping.verdict(action, decision, now), trace);
        if (decision.outcome() == Outcome.ESCALATE) {
            send(tx, Topics.ESCALATION_REQUESTS, key, WireMapping.escalation(action, decision, now), trace);
        }
        send(tx, Topics.FACTS, key, WireMapping.decidedFact(action, decision, now, config.source(), traceId), trace);
        delta.count(decision.outcome());
        tally.decided(decision.outcome(), decision.pathwayId());
        LOG.debugf("Action %s (%s by agent %s): %s, accountable anchor %s, charter v%d. %s", action.getActionId(),
                action.getActionType(), action.getAgentId(), decision.outcome(), decision.anchor(), decision.charterVersion(),
                decision.reason());
    }

    /** One line per batch: per action lines are at DEBUG, since at thousands per second they would cost more than deciding. */
    private static void summarize(java.util.Collection<Delta> deltas) {
        int autonomous = 0;
        int escalated = 0;
        int rejected = 0;
        for (Delta d : deltas) {
            autonomous += d.autonomous;
            escalated += d.escalated;
            rejected += d.rejected;
        }
        if (autonomous + escalated + rejected > 0) {
            LOG.infof("Decided %d actions: %d autonomous, %d escalated to a human, %d rejected by the charter",
                    autonomous + escalated + rejected, autonomous, escalated, rejected);
        }
    }

    /**
     * What one transaction changed in one partition's state (written to the state topic with it)
     * and how far it read that partition (the offset committed with it).
     */
    private static final class Delta {
        int autonomous;
        int escalated;
        int rejected;

        void count(Outcome outcome) {
            switch (outcome) {
                case AUTONOMOUS -> autonomous++;
                case ESCALATE -> escalated++;
                case REJECT -> rejected++;
            }
        }

        final int partition;
        final String topic;
        long nextOffset;
        final List<String> decided = new ArrayList<>();
        final List<BudgetCharge> charges = new ArrayList<>();
        boolean charterChanged;
        String previousCharter;

        Delta(int partition, String topic) {
            this.partition = partition;
            this.topic = topic;
        }

        void send(RoutingTransactions.Outputs tx, String charterKey, Instant now) {
            if (decided.isEmpty() && charges.isEmpty() && !charterChanged) {
                return;
            }
            RouterStateDelta value = RouterStateDelta.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(now)
                    .setPartition(partition).setCharterKey(charterKey).setDecidedActionIds(decided).setBudgetCharges(charges).build();
            // the state of actions partition p lives in state partition p: its new owner reads that one only
            tx.send(new ProducerRecord<>(Topics.ROUTER_STATE.topic(), partition, "p" + partition, value));
        }
    }

    /** The charter key of an activation marker, or null for any other record. */
    static String activation(KafkaRecord<String, ?> record) {
        if (record.getPayload() != null) {
            return null;
        }
        Header h = record.getHeaders().lastHeader(Topics.CHARTER_ACTIVATION_HEADER);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void send(RoutingTransactions.Outputs tx, Topics topic, String key, SpecificRecord value, Headers trace) {
        // headers of their own for each record: the producer makes a record's headers read-only once sent
        tx.send(new ProducerRecord<>(topic.topic(), null, key, value, new RecordHeaders(trace.toArray())));
    }

    /**
     * The incoming record's W3C trace context, carried over as-is onto every output of the
     * action, so the one trace started at the gateway covers the router and what follows.
     */
    private static Headers traceHeaders(Headers in) {
        RecordHeaders out = new RecordHeaders();
        for (String name : new String[] {"traceparent", "tracestate"}) {
            Header h = in.lastHeader(name);
            if (h != null) {
                out.add(name, h.value());
            }
        }
        return out;
    }

    static String traceId(Headers headers) {
        Header h = headers.lastHeader("traceparent");
        if (h == null) {
            return null;
        }
        String[] parts = new String(h.value(), StandardCharsets.US_ASCII).split("-");
        return parts.length >= 2 && parts[1].length() == 32 ? parts[1] : null;
    }

    private static String reasonFromHeaders(Headers headers) {
        Header h = headers.lastHeader("deserialization-failure-reason");
        return h == null ? "the record is empty and is not a charter activation marker" : OtherContracts.unreadable("an ActionProposed", headers);
    }
}
