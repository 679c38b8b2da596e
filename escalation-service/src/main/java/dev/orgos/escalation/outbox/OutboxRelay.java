package dev.orgos.escalation.outbox;

import dev.orgos.service.kafka.TransactionalProducer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Publishes committed outbox rows to Kafka, in order. Rows are claimed with FOR UPDATE SKIP
 * LOCKED, so several replicas never publish the same row at once; a batch is published in one
 * Kafka transaction and only then marked sent. If the service dies after the Kafka commit but
 * before marking, the batch is published again with the same event ids: the consumers (gateway
 * upserts, ledger de-duplication by event id) make that harmless.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 200;

    @Inject
    PgPool db;

    @Inject
    dev.orgos.service.kafka.MeshClients mesh;

    /** The producer's own metrics (send rate, request latency, errors) in /q/metrics. */
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    /**
     * One outbox batch (up to 200 rows) per transaction, on a plain producer's thread, every wait
     * bounded ({@link TransactionalProducer#bounded}): a broker that is away fails a run, and the
     * next run tries the rows again. A SmallRye channel's transaction retried a failed send inside
     * it for up to two minutes.
     */
    private TransactionalProducer kafka;

    @jakarta.annotation.PostConstruct
    void producer() {
        kafka = new TransactionalProducer("outbox relay",
                () -> TransactionalProducer.bounded(mesh.writer(), config.transactionalId(), "orgos-escalation-outbox"), registry);
    }

    private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean again = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Publishes soon after a commit, so a human's decision reaches the agent in milliseconds, not
     * at the next tick. Never runs twice at once in this instance; a kick during a run causes
     * one more run.
     */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "orgos.escalation.outbox-relay-enabled", defaultValue = "true")
    boolean enabled;

    /** Set as the service begins to stop: its database connections close under a run that is under way. */
    private volatile boolean stopping;

    void stopping(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent e) {
        stopping = true;
        kafka.close(); // once the run in progress, if any, has written or failed
    }

    public void kick() {
        if (!enabled || stopping) {
            return; // only ever off to test a crash between the database commit and the publish
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        watch.begun(System.nanoTime(), "claiming unsent rows");
        relayOnce().subscribe().with(x -> finished(), e -> finished());
    }

    private void finished() {
        watch.ended();
        running.set(false);
        if (again.getAndSet(false)) {
            kick();
        }
    }

    /** The backstop: rows left by a crash, by another replica, or by a failed run are picked up here. */
    // not while the service starts or stops: once its database pool is closed, a run could only warn "Pool closed"
    @Scheduled(every = "${orgos.escalation.outbox-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public void tick() {
        watch.warning(System.nanoTime(), config.outboxWarnAfter(), config.outboxStuckAfter()).ifPresent(LOG::warn);
        kick();
    }

    /** The run in progress, watched: one that never ends would stop the relay for good, and silently. */
    private final RelayWatch watch = new RelayWatch();

    @Inject
    dev.orgos.escalation.charter.EscalationConfig config;

    /** How long the run in progress has taken so far; zero between runs. */
    public java.time.Duration inProgress() {
        return watch.inProgress(System.nanoTime());
    }

    Uni<Void> relayOnce() {
        return db.withTransaction(conn -> conn.preparedQuery("""
                        SELECT id, topic, record_key, record_type, payload, trace_id FROM outbox
                        WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(BATCH))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    List<Long> ids = new ArrayList<>();
                    List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();
                    for (Row r : rows) {
                        ids.add(r.getLong("id"));
                        var out = new ProducerRecord<String, SpecificRecord>(r.getString("topic"), r.getString("record_key"),
                                Outbox.decode(r.getString("record_type"), r.getBuffer("payload").getBytes()));
                        String traceId = r.getString("trace_id");
                        if (traceId != null) {
                            // the action's trace goes on: one trace id from the gateway to the ledger
                            out.headers().add("traceparent", ("00-" + traceId + "-" + spanId(r.getLong("id")) + "-01")
                                    .getBytes(StandardCharsets.US_ASCII));
                        }
                        records.add(out);
                    }
                    watch.doing("publishing " + records.size() + " event(s) in a Kafka transaction");
                    return kafka.commit(records)
                            .invoke(() -> watch.doing("marking " + ids.size() + " published event(s) sent"))
                            .chain(() -> conn.preparedQuery("UPDATE outbox SET sent_at = now() WHERE id = ANY($1)")
                                    .execute(Tuple.of(ids.toArray(new Long[0]))))
                            .invoke(() -> {
                                LOG.debugf("Relayed %d outbox events", ids.size());
                                again.set(true); // there may be more than one batch waiting
                            })
                            .replaceWithVoid();
                }))
                .onFailure().invoke(e -> {
                    if (stopping) {
                        // not a fault: the rows stay unsent, and whichever replica runs next relays them
                        LOG.infof("Outbox relay stopped with the service (%s); unsent rows are relayed after the restart",
                                e.getMessage());
                    } else {
                        LOG.warnf(e, "Outbox relay will retry: %s", e.getMessage());
                    }
                })
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** A stable, valid 16-hex-digit parent span id per outbox row. */
    private static String spanId(long rowId) {
        return String.format("%016x", rowId == 0 ? 1 : rowId);
    }
}
