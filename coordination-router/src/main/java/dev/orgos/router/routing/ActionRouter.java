package dev.orgos.router.routing;

import dev.orgos.governance.decision.ActionContract;
import dev.orgos.governance.decision.Decision;
import dev.orgos.router.Channels;
import dev.orgos.router.charter.CharterInForce;
import dev.orgos.router.charter.RouterConfig;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import io.smallrye.reactive.messaging.kafka.transactions.TransactionalEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consume-transform-produce, exactly once: each batch of actions is decided and every output
 * (decision, verdict or escalation request, ledger fact, dead letters) is written in one Kafka
 * transaction together with the consumed offsets. A crash anywhere aborts the transaction and
 * the batch is decided again from the last committed offsets, so no action is lost or decided
 * twice on the output topics.
 *
 * <p>Ordering: the actions topic is keyed by agent id, so one agent's actions are decided in
 * the order it submitted them. Outputs are keyed by action id: each action's own events stay
 * in order for the services downstream.
 */
@ApplicationScoped
public class ActionRouter {
    private static final Logger LOG = Logger.getLogger(ActionRouter.class);

    @Inject
    @Channel(Channels.ROUTER_OUT)
    KafkaTransactions<SpecificRecord> transactions;

    @Inject
    CharterInForce charter;

    @Inject
    RouterConfig config;

    Clock clock = Clock.systemUTC();

    @Incoming(Channels.ACTIONS_IN)
    public Uni<Void> route(KafkaRecordBatch<String, ActionProposed> batch) {
        return transactions.withTransactionAndAck(batch, tx -> {
            for (KafkaRecord<String, ActionProposed> record : batch) {
                routeOne(record, tx);
            }
            return Uni.createFrom().voidItem();
        });
    }

    private void routeOne(KafkaRecord<String, ActionProposed> record, TransactionalEmitter<SpecificRecord> tx) {
        ActionProposed action = record.getPayload();
        if (action == null) {
            DeadLetters.send(tx, record, reasonFromHeaders(record.getHeaders()), clock.instant());
            return;
        }
        var core = WireMapping.toCore(action);
        var problems = ActionContract.problems(core);
        if (!problems.isEmpty()) {
            DeadLetters.send(tx, record, problems.stream().map(p -> "field '" + p.field() + "' " + p.message())
                    .collect(java.util.stream.Collectors.joining("; ")), clock.instant());
            return;
        }
        Instant now = clock.instant();
        Decision decision = charter.evaluator().evaluate(core);
        Headers trace = traceHeaders(record.getHeaders());
        String traceId = traceId(trace);
        String key = action.getActionId();
        send(tx, Topics.DECISIONS, key, WireMapping.decision(action, decision, now), trace);
        send(tx, Topics.VERDICTS, key, WireMapping.verdict(action, decision, now), trace);
        if (decision.outcome() == dev.orgos.governance.decision.Outcome.ESCALATE) {
            send(tx, Topics.ESCALATION_REQUESTS, key, WireMapping.escalation(action, decision, now), trace);
        }
        send(tx, Topics.FACTS, key, WireMapping.decidedFact(action, decision, now, config.source(), traceId), trace);
        LOG.infof("Action %s (%s by agent %s): %s, accountable anchor %s. %s", action.getActionId(),
                action.getActionType(), action.getAgentId(), decision.outcome(), decision.anchor(), decision.reason());
    }

    private static void send(TransactionalEmitter<SpecificRecord> tx, Topics topic, String key, SpecificRecord value, Headers trace) {
        var out = KafkaRecord.of(topic.topic(), key, value);
        for (Header h : trace) {
            out = out.withHeader(h.key(), h.value());
        }
        tx.send(out);
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
        return h == null ? "the record could not be read as an ActionProposed"
                : "the record could not be read as an ActionProposed: " + new String(h.value(), StandardCharsets.UTF_8);
    }
}
