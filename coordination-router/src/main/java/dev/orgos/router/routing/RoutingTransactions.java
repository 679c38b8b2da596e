package dev.orgos.router.routing;

import dev.orgos.router.Channels;
import dev.orgos.router.charter.RouterConfig;
import dev.orgos.service.kafka.TransactionalProducer;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The router's one transactional producer: every output of a batch, and the batch's consumed
 * offsets, in one Kafka transaction (consume-transform-produce). A plain KafkaProducer rather than
 * a SmallRye emitter: routing sends thousands of records a second, and the emitter's per-record
 * Message, Uni and context capture cost more than deciding them (see docs/benchmarks.md).
 *
 * <p>Exactly once, as before: the offsets are sent with the consumer's current group metadata, so
 * a member that lost its partitions in a rebalance is fenced by the coordinator, and a batch read
 * before a rebalance is not written at all; any failure aborts the transaction, the router rewinds
 * the consumer to its last committed offsets, and the batch is decided again from the state as
 * committed. The producer lives on one thread of its own ({@link TransactionalProducer}); a fatal
 * error (fenced, out of sequence, not authorized) closes it and the next batch makes a new one.
 */
@ApplicationScoped
public class RoutingTransactions {
    private static final Logger LOG = Logger.getLogger(RoutingTransactions.class);

    @Inject
    dev.orgos.service.kafka.MeshClients mesh;

    @Inject
    RouterConfig config;

    @Inject
    KafkaClientService clients;

    @Inject
    RoutingMetrics metrics;

    /** The transaction in progress, looked at every few seconds from a thread of its own (it may be stuck). */
    private final TransactionWatch watch = new TransactionWatch();
    private final java.util.concurrent.ScheduledExecutorService watching = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "orgos-router-transaction-watch");
        t.setDaemon(true);
        return t;
    });

    /** The producer's own metrics (send rate, request latency, errors) in /q/metrics, as SmallRye's clients have them. */
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    /** On a thread of its own: the routing thread hands each batch's outputs to it. */
    private TransactionalProducer producer;

    @jakarta.annotation.PostConstruct
    void watch() {
        producer = new TransactionalProducer("router", this::settings, registry);
        watching.scheduleWithFixedDelay(() -> watch.warning(System.nanoTime(), config.transactionWarnAfter()).ifPresent(LOG::warn),
                5, 5, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** How long the routing transaction in progress has taken so far; zero when none is. */
    public java.time.Duration inProgress() {
        return watch.inProgress(System.nanoTime());
    }

    /** What one routing transaction writes, in order. */
    public static final class Outputs {
        final List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();

        public void send(ProducerRecord<String, SpecificRecord> record) {
            records.add(record);
        }

        public int size() {
            return records.size();
        }
    }

    /**
     * Writes the outputs and commits the consumed offsets in one transaction. Fails when the
     * transaction did not commit; the caller rewinds the consumer.
     *
     * @param generation the consumer group's generation when the batch was read. The routing thread
     *                   is not the polling thread, so a rebalance can come between reading a batch and
     *                   committing it; committing with the group's metadata of after the rebalance
     *                   would pass the coordinator's fencing though the partitions may have moved.
     *                   So a batch read in an older generation is not written at all.
     */
    public Uni<Void> commit(Outputs outputs, Map<TopicPartition, OffsetAndMetadata> offsets, int generation) {
        return clients.getConsumer(Channels.ACTIONS_IN).consumerGroupMetadata()
                .chain(group -> group.generationId() != generation
                        ? Uni.createFrom().failure(new Rebalanced(generation, group.generationId()))
                        : producer.onItsThread(() -> {
                            write(outputs, offsets, group);
                            return null;
                        }));
    }

    /** The group rebalanced between reading a batch and committing it. */
    static final class Rebalanced extends IllegalStateException {
        Rebalanced(int read, int now) {
            super("the consumer group rebalanced since the batch was read (generation " + read + ", now " + now
                    + "); its partitions are decided by whoever owns them now");
        }
    }

    private void write(Outputs outputs, Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        watch.begun(System.nanoTime()); // from making the producer on: initTransactions waits too
        long start = System.nanoTime();
        try {
            producer.write(outputs.records, offsets, group);
        } finally {
            metrics.transaction(start);
            watch.ended();
        }
    }

    private Properties settings() {
        Properties p = mesh.writer();
        p.put("transactional.id", config.transactionalId());
        p.put("client.id", "orgos-router-transactions");
        // a batch of up to 500 actions is one transaction of a few thousand records: big batches,
        // no linger (the commit sends what is left)
        p.put("batch.size", "524288");
        p.put("linger.ms", "0");
        // A transaction begun while the broker still writes the previous one's commit markers is
        // answered CONCURRENT_TRANSACTIONS and retried after retry.backoff.ms: at the default 100 ms
        // that stalled one commit in ten and put 100 ms on the verdicts behind it (measured with the
        // gateway benchmark: accepted-to-decided p50 122 ms, 37 ms with 5 ms).
        p.put("retry.backoff.ms", "5");
        return p;
    }

    void stop(@Observes ShutdownEvent e) {
        watching.shutdownNow();
        producer.close();
    }
}
