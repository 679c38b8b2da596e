package dev.orgos.router.state;

import dev.orgos.schema.RouterStateDelta;
import dev.orgos.schema.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * The router's state per actions partition, backed by the router-state topic: the deltas are
 * written in the routing transactions, so the topic always agrees with the committed offsets,
 * and whoever owns a partition next replays them. Like a Kafka Streams state store with its
 * changelog, without the framework.
 */
@ApplicationScoped
public class StateStore {
    private static final Logger LOG = Logger.getLogger(StateStore.class);

    private final Map<Integer, PartitionState> states = new ConcurrentHashMap<>();

    @Inject
    dev.orgos.service.kafka.MeshClients mesh;

    @Inject
    dev.orgos.router.charter.RouterConfig config;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @jakarta.annotation.PostConstruct
    void gauges() {
        io.micrometer.core.instrument.Gauge.builder("orgos.router.remembered.actions", states,
                        s -> s.values().stream().mapToLong(PartitionState::decidedCount).sum())
                .description("Action ids this instance remembers as decided (its partitions, within orgos.router.dedup-window)")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("orgos.router.remembered.actions.bytes", states,
                        s -> s.values().stream().mapToLong(PartitionState::decidedFootprint).sum())
                .description("Memory those remembered action ids take").baseUnit("bytes")
                .register(registry);
    }

    /** The states of these partitions, restoring any that this instance does not hold. */
    public Uni<Map<Integer, PartitionState>> states(Collection<Integer> partitions) {
        List<Integer> missing = partitions.stream().distinct().filter(p -> !states.containsKey(p)).toList();
        if (missing.isEmpty()) {
            return Uni.createFrom().item(states);
        }
        return Uni.createFrom().item(() -> {
            restore(missing);
            return states;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Forgets partitions: they moved, or a transaction over them failed. Rebuilt on next use. */
    public void forget(Collection<Integer> partitions) {
        partitions.forEach(states::remove);
    }

    private void restore(List<Integer> partitions) {
        Properties p = mesh.reader();
        p.put("max.poll.records", "2000");
        try (KafkaConsumer<String, RouterStateDelta> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = partitions.stream().map(i -> new TopicPartition(Topics.ROUTER_STATE.topic(), i)).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            Map<Integer, PartitionState> restored = new java.util.HashMap<>();
            partitions.forEach(i -> restored.put(i, new PartitionState(config.dedupWindow())));
            long deltas = 0;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, RouterStateDelta> r : c.poll(Duration.ofMillis(500))) {
                    if (r.value() != null) {
                        restored.get(r.partition()).apply(r.value());
                        deltas++;
                    }
                }
            }
            states.putAll(restored);
            for (var e : restored.entrySet()) {
                LOG.infof("Partition %d of %s restored: charter %s, %d actions decided in the last %s remembered", e.getKey(),
                        Topics.ACTIONS.topic(), e.getValue().charterKey() == null ? "none yet" : e.getValue().charterKey(),
                        e.getValue().decidedCount(), config.dedupWindow().toString().substring(2).toLowerCase());
            }
            LOG.debugf("Replayed %d state deltas", deltas);
        }
    }
}
