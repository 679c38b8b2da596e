package dev.orgos.testing;

import dev.orgos.infra.Endpoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces and reads real Avro records through the real registry, for assertions in tests.
 * Reads with read_committed: tests see only what a transaction committed. Close a probe that
 * sent when its test ends (module ITs do after each test, e2e tests with their block): its
 * producer otherwise lives on, calling a broker that may be gone.
 */
public final class TopicProbe implements AutoCloseable {
    private final Endpoints endpoints;
    private KafkaProducer<String, Object> producer;

    public TopicProbe(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    public <V> void send(String topic, String key, V value) {
        try {
            producer().send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    /** Sends a record whose producer claims it was made at {@code createdAt} (its CreateTime timestamp). */
    public <V> void sendAt(String topic, String key, V value, java.time.Instant createdAt) {
        try {
            producer().send(new ProducerRecord<>(topic, null, createdAt.toEpochMilli(), key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    /**
     * Writes {@code value} to {@code topic} serialized as it would be for {@code schemaTopic} (under
     * that topic's schema in the registry): a record of another contract on the wrong topic, as a
     * misconfigured producer would write it.
     */
    @SuppressWarnings("unchecked")
    public void sendAs(String topic, String key, Object value, String schemaTopic) {
        Properties props = producerProps();
        try (var serializer = (org.apache.kafka.common.serialization.Serializer<Object>) Class.forName(props.getProperty("value.serializer"))
                .getDeclaredConstructor().newInstance()) {
            java.util.Map<String, Object> config = new java.util.HashMap<>();
            props.forEach((k, v) -> config.put((String) k, v));
            serializer.configure(config, false);
            sendRaw(topic, key, serializer.serialize(schemaTopic, value));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no value serializer", e);
        }
    }

    /** Sends many records, waiting until all are acknowledged. */
    public void sendAll(String topic, List<? extends java.util.Map.Entry<String, ?>> keyedValues) {
        try {
            KafkaProducer<String, Object> p = producer();
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            keyedValues.forEach(e -> acks.add(p.send(new ProducerRecord<>(topic, e.getKey(), e.getValue()))));
            for (var f : acks) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    /**
     * The probe's one producer, made on first send. A producer made per record asked the registry
     * for the schema each time, and one registry request that stalled for 10 s once failed a test;
     * a producer kept asks once per schema.
     */
    private synchronized KafkaProducer<String, Object> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerProps());
        }
        return producer;
    }

    /** Closes the producer, if the probe made one; a probe that only read holds nothing. */
    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    /** Every committed record of the topic that matches, reading from the beginning up to its current end. */
    @SuppressWarnings("unchecked")
    public <V> List<ConsumerRecord<String, V>> readAll(String topic, Predicate<ConsumerRecord<String, V>> filter) {
        List<ConsumerRecord<String, V>> seen = new ArrayList<>();
        try (KafkaConsumer<String, Object> c = new KafkaConsumer<>(consumerProps())) {
            var tps = c.partitionsFor(topic).stream().map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            var end = c.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 2 minutes");
                }
                for (ConsumerRecord<String, Object> r : c.poll(Duration.ofMillis(200))) {
                    if (filter.test((ConsumerRecord<String, V>) (ConsumerRecord<?, ?>) r)) {
                        seen.add((ConsumerRecord<String, V>) (ConsumerRecord<?, ?>) r);
                    }
                }
            }
        }
        return seen;
    }

    /** Sends bytes that are not a registry-framed Avro record: a poison pill. */
    public void sendRaw(String topic, String key, byte[] value) {
        Properties props = producerProps();
        props.put("value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(props)) {
            p.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    /**
     * Reads the topic from the beginning until {@code done} holds for the records that match
     * {@code filter}, within the timeout; returns those records in offset order per partition.
     */
    @SuppressWarnings("unchecked")
    public <V> List<ConsumerRecord<String, V>> await(String topic, Predicate<ConsumerRecord<String, V>> filter,
                                                     Predicate<List<ConsumerRecord<String, V>>> done, Duration timeout) {
        List<ConsumerRecord<String, V>> seen = new ArrayList<>();
        try (KafkaConsumer<String, Object> c = new KafkaConsumer<>(consumerProps())) {
            c.subscribe(List.of(topic));
            org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
                for (ConsumerRecord<String, Object> r : c.poll(Duration.ofMillis(200))) {
                    if (filter.test((ConsumerRecord<String, V>) (ConsumerRecord<?, ?>) r)) {
                        seen.add((ConsumerRecord<String, V>) (ConsumerRecord<?, ?>) r);
                    }
                }
                return done.test(seen);
            });
        }
        return seen;
    }

    private Properties producerProps() {
        Properties p = dev.orgos.schema.Clients.writer(endpoints.kafkaBootstrap(), endpoints.registryApiUrl());
        p.put("acks", "all");
        return p;
    }

    private Properties consumerProps() {
        Properties p = dev.orgos.schema.Clients.reader(endpoints.kafkaBootstrap(), endpoints.registryApiUrl());
        p.put("group.id", "probe-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        return p;
    }
}
