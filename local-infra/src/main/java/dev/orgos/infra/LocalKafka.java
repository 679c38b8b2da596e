package dev.orgos.infra;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.time.Duration;

/** A real single-node KRaft broker in this JVM, bound to 127.0.0.1, with transactions working. */
final class LocalKafka implements AutoCloseable {
    private final EmbeddedKafkaBroker broker;
    private final String bootstrap;

    private LocalKafka(EmbeddedKafkaBroker broker, String bootstrap) {
        this.broker = broker;
        this.bootstrap = bootstrap;
    }

    static LocalKafka start() {
        int port = Ports.free();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withKafkaHost("127.0.0.1")
                .withKafkaPort(port)
                .withControllerPort(Ports.free())
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(p -> {
                    // single node: every internal topic must live with one replica
                    p.put("offsets.topic.replication.factor", "1");
                    p.put("offsets.topic.num.partitions", "6");
                    p.put("transaction.state.log.replication.factor", "1");
                    p.put("transaction.state.log.min.isr", "1");
                    p.put("transaction.state.log.num.partitions", "6");
                    p.put("share.coordinator.state.topic.replication.factor", "1");
                    p.put("share.coordinator.state.topic.min.isr", "1");
                    p.put("group.initial.rebalance.delay.ms", "0");
                    p.put("num.partitions", "1");
                    p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
                });
        broker.start();
        String bootstrap = "127.0.0.1:" + port;
        Ports.await("Kafka broker", Duration.ofSeconds(60), () -> Ports.listening("127.0.0.1", port));
        return new LocalKafka(broker, bootstrap);
    }

    String bootstrap() {
        return bootstrap;
    }

    @Override
    public void close() {
        broker.close();
    }
}
