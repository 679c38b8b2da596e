package dev.orgos.bench;

import dev.orgos.cli.mesh.Mesh;
import dev.orgos.cli.mesh.Service;
import dev.orgos.infra.MeshBootstrap;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Routing throughput through a real broker with exactly-once on, against a pass-through
 * consumer-producer with no charter, in the same run on the same broker.
 *
 * <ol>
 *   <li>Start Kafka, the registry and PostgreSQL; put the example charter in force.</li>
 *   <li>Write N actions to orgos.actions (2,000 agents, in-bounds refunds).</li>
 *   <li>Pass-through: one exactly-once copy loop (read_committed, batches of 500, one transaction
 *       per batch, Avro through the registry both ways) copies them to a scratch topic.</li>
 *   <li>Start the packaged router and time it from ready until its committed offsets reach the end.</li>
 * </ol>
 * Usage: java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.orgos.bench.RoutingThroughput [N]
 */
public final class RoutingThroughput {

    public static void main(String[] args) throws Exception {
        // 300,000: a shorter run is mostly the fresh router JVM warming up (see docs/benchmarks.md)
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        Path home = Path.of(System.getProperty("orgos.home", ".")).toAbsolutePath().normalize();
        try (Mesh mesh = Mesh.start(home, home.resolve(".orgos/bench-routing"), false, Map.of(), System.out::println,
                EnumSet.noneOf(Service.class))) {
            String bootstrap = mesh.endpoints().kafkaBootstrap();
            String registry = mesh.endpoints().registryApiUrl();
            produce(bootstrap, registry, n);

            String copyTopic = "orgos.bench-copy";
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic(copyTopic, 6, (short) 1))).all().get();
            }
            MeshBootstrap.registerSchema(mesh.endpoints().registryUrl(), copyTopic + "-value", ActionProposed.getClassSchema());
            double passThrough = passThrough(bootstrap, registry, copyTopic, n);
            System.out.printf(Locale.ROOT, "pass-through (exactly-once copy, no charter): %,.0f records/s%n", passThrough);

            Instant ready;
            mesh.startService(Service.COORDINATION_ROUTER);
            ready = Instant.now();
            long total = awaitGroupAtEnd(bootstrap, "orgos-router", Topics.ACTIONS.topic(), Duration.ofMinutes(10));
            double seconds = Duration.between(ready, Instant.now()).toMillis() / 1000.0;
            double routing = total / seconds;
            System.out.printf(Locale.ROOT, "router (charter, exactly-once, 3 outputs + state per action): %,d records in %.1f s = %,.0f actions/s%n",
                    total, seconds, routing);
            double steady = (total - firstCommitOffset) / (Duration.between(firstCommitAt, Instant.now()).toMillis() / 1000.0);
            System.out.printf(Locale.ROOT, "router after its first commit (steady state): %,.0f actions/s%n", steady);
            System.out.printf(Locale.ROOT, "router / pass-through = %.0f%% (steady state: %.0f%%)%n", 100 * routing / passThrough,
                    100 * steady / passThrough);
        }
    }

    static void produce(String bootstrap, String registry, int n) throws Exception {
        Properties p = dev.orgos.schema.Clients.writer(bootstrap, registry);
        p.put("linger.ms", "20");
        p.put("batch.size", "262144");
        p.put("acks", "all");
        Instant start = Instant.now();
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < n; i++) {
                String agent = "bench-agent-" + (i % 2000);
                producer.send(new ProducerRecord<>(Topics.ACTIONS.topic(), agent, ActionProposed.newBuilder()
                        .setEventId(UUID.randomUUID().toString()).setActionId("bench-" + i).setAgentId(agent)
                        .setOccurredAt(Instant.now()).setActionType("refund.issue").setAmount(10.0).setConfidence(0.95)
                        .setParameters(Map.of("orderId", "o-" + i)).build()));
            }
            producer.flush();
        }
        System.out.printf(Locale.ROOT, "wrote %,d actions in %.1f s%n", n, Duration.between(start, Instant.now()).toMillis() / 1000.0);
    }

    /** Copies everything on the actions topic once, exactly once, and returns records per second. */
    static double passThrough(String bootstrap, String registry, String copyTopic, int n) {
        Properties c = dev.orgos.schema.Clients.reader(bootstrap, registry);
        c.put("group.id", "bench-pass-through-" + UUID.randomUUID());
        c.put("auto.offset.reset", "earliest");
        c.put("max.poll.records", "500");
        Properties p = dev.orgos.schema.Clients.writer(bootstrap, registry);
        p.put("transactional.id", "bench-pass-through-" + UUID.randomUUID());
        long copied = 0;
        Instant start = null;
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(c); KafkaProducer<String, Object> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            consumer.subscribe(List.of(Topics.ACTIONS.topic()));
            while (copied < n) {
                ConsumerRecords<String, Object> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                start = start == null ? Instant.now() : start;
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new java.util.HashMap<>();
                for (ConsumerRecord<String, Object> r : records) {
                    if (r.value() != null) {
                        producer.send(new ProducerRecord<>(copyTopic, r.key(), r.value()));
                        copied++;
                    }
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            }
        }
        return copied / (Duration.between(start, Instant.now()).toMillis() / 1000.0);
    }

    /** When the group first committed, and how far it had got then: steady-state rates start there. */
    static volatile Instant firstCommitAt;
    static volatile long firstCommitOffset;

    /** Waits until the group's committed offsets reach the topic's end; returns the records it consumed. */
    static long awaitGroupAtEnd(String bootstrap, String group, String topic, Duration timeout) throws Exception {
        return awaitGroupAtEnd(bootstrap, group, topic, timeout, 0);
    }

    /**
     * @param slack how far from the end still counts as there: on a topic written in transactions
     *              a consumer's committed offset can stop before the last commit marker of each partition
     */
    static long awaitGroupAtEnd(String bootstrap, String group, String topic, Duration timeout, int slack) throws Exception {
        firstCommitAt = null;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            var ends = admin.listOffsets(partitions.stream().collect(java.util.stream.Collectors.toMap(tp -> tp,
                    tp -> org.apache.kafka.clients.admin.OffsetSpec.latest()))).all().get();
            long end = ends.values().stream().mapToLong(i -> i.offset()).sum();
            Instant deadline = Instant.now().plus(timeout);
            long lastPrinted = -1;
            while (Instant.now().isBefore(deadline)) {
                var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                long at = partitions.stream().mapToLong(tp -> committed.get(tp) == null ? 0 : committed.get(tp).offset()).sum();
                if (at > 0 && firstCommitAt == null) {
                    firstCommitAt = Instant.now();
                    firstCommitOffset = at;
                }
                if (at >= end - slack) {
                    return end;
                }
                if (at / 20_000 != lastPrinted) {
                    lastPrinted = at / 20_000;
                    System.out.printf(Locale.ROOT, "  %s at %,d of %,d%n", group, at, end);
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("group " + group + " did not reach the end of " + topic + " within " + timeout);
        }
    }
}
