package dev.orgos.router.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.schema.Clients;
import dev.orgos.schema.RouterStateDelta;
import dev.orgos.testing.OrgosInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A partition's state rebuilt from a state topic on the real broker, from a point in time on. */
@QuarkusTest
@QuarkusTestResource(OrgosInfrastructure.class)
class StateRestoreIT {

    @Inject
    StateStore store;

    @Inject
    dev.orgos.router.charter.RouterConfig config;

    @Test
    void theHorizonCoversTheDeduplicationWindowAndTheLongestBudgetOfAnyCharter() {
        // the example charter's longest budget window is 24 hours
        Duration longest = config.dedupWindow().compareTo(Duration.ofHours(24)) > 0 ? config.dedupWindow() : Duration.ofHours(24);
        assertEquals(Optional.of(longest.plus(StateStore.MARGIN)), store.horizon());
    }

    @Test
    void aStateTopicThatKeepsLessThanTheStateMustCoverIsWarnedAbout() throws Exception {
        var infra = OrgosInfrastructure.endpoints(null);
        var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                dev.orgos.schema.Topics.ROUTER_STATE.topic());
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(String.valueOf(r.getParameters() == null ? r.getMessage()
                            : String.format(r.getMessage(), r.getParameters())));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(StateStore.class.getName());
        logger.addHandler(capture);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.kafkaBootstrap()))) {
            try {
                setRetention(admin, resource, Duration.ofHours(1));
                store.checkRetentionAgain();
                store.horizon();
                assertTrue(warnings.stream().anyMatch(w -> w.contains("keeps 1h, less than the 24h")), "warned: " + warnings);
            } finally {
                setRetention(admin, resource, Duration.ofDays(7)); // as the mesh creates it
            }
            warnings.clear();
            store.checkRetentionAgain();
            store.horizon();
            assertEquals(List.of(), warnings, "7 days cover a day's window");
        } finally {
            logger.removeHandler(capture);
        }
    }

    private static void setRetention(Admin admin, org.apache.kafka.common.config.ConfigResource topic, Duration retention) throws Exception {
        admin.incrementalAlterConfigs(Map.of(topic, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                new org.apache.kafka.clients.admin.ConfigEntry("retention.ms", Long.toString(retention.toMillis())),
                org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get();
    }

    @Test
    void aRestoreReplaysTheDeltasSinceItsHorizonAndStillKnowsTheCharterOfAPartitionWithoutAny() throws Exception {
        var infra = OrgosInfrastructure.endpoints(null);
        String topic = "orgos.router-state.restore-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        dev.orgos.infra.MeshBootstrap.registerSchema(infra.registryUrl(), topic + "-value", RouterStateDelta.getClassSchema());
        Instant now = Instant.now();
        Instant old = now.minus(Duration.ofDays(3));
        try (KafkaProducer<String, RouterStateDelta> producer = new KafkaProducer<>(Clients.writer(infra.kafkaBootstrap(), infra.registryApiUrl()))) {
            // partition 0: three deltas three days old under version 1, then two recent ones under version 2
            for (int i = 1; i <= 3; i++) {
                send(producer, topic, 0, old.plusSeconds(i), "acme-retail:1", "old-" + i);
            }
            send(producer, topic, 0, now.minusSeconds(2), "acme-retail:2", "new-1");
            send(producer, topic, 0, now.minusSeconds(1), "acme-retail:2", "new-2");
            // partition 1: nothing since three days ago
            send(producer, topic, 1, old.plusSeconds(1), "acme-retail:1", "quiet-1");
            producer.flush();
        }
        Duration window = Duration.ofDays(7); // long enough that a replayed old delta would be remembered

        StateRestore.Restored bounded;
        try (KafkaConsumer<String, RouterStateDelta> c = new KafkaConsumer<>(Clients.reader(infra.kafkaBootstrap(), infra.registryApiUrl()))) {
            bounded = StateRestore.restore(c, topic, List.of(0, 1), Optional.of(now.minus(Duration.ofDays(1))), window, Optional.of(Duration.ofHours(1)));
        }
        assertEquals(2L, bounded.deltas().get(0), "only the deltas since the horizon are replayed");
        PartitionState busy = bounded.states().get(0);
        assertTrue(busy.alreadyDecided("new-1") && busy.alreadyDecided("new-2"));
        assertFalse(busy.alreadyDecided("old-1"));
        assertEquals("acme-retail:2", busy.charterKey());
        assertFalse(bounded.deltas().containsKey(1));
        assertEquals("acme-retail:1", bounded.states().get(1).charterKey(),
                "a partition with no delta since the horizon keeps the charter its last delta named");

        StateRestore.Restored everything;
        try (KafkaConsumer<String, RouterStateDelta> c = new KafkaConsumer<>(Clients.reader(infra.kafkaBootstrap(), infra.registryApiUrl()))) {
            everything = StateRestore.restore(c, topic, List.of(0, 1), Optional.empty(), window, Optional.empty());
        }
        assertEquals(5L, everything.deltas().get(0), "without a horizon (the charters unreadable) every delta kept is replayed");
        assertTrue(everything.states().get(0).alreadyDecided("old-1"));
        assertEquals("acme-retail:2", everything.states().get(0).charterKey());
    }

    private static void send(KafkaProducer<String, RouterStateDelta> producer, String topic, int partition, Instant at, String charter,
                             String decided) throws Exception {
        RouterStateDelta delta = RouterStateDelta.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(at)
                .setPartition(partition).setCharterKey(charter).setDecidedActionIds(List.of(decided)).setBudgetCharges(List.of()).build();
        producer.send(new ProducerRecord<>(topic, partition, at.toEpochMilli(), String.valueOf(partition), delta)).get();
    }
}
