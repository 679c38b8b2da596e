package dev.orgos.service.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Against a broker that is not there (a port nothing listens on): what a caller sees is a bounded
 * failure, and the producer that failed to start is not the one the next write uses. The writes
 * that succeed are the router's, the escalation relay's and the gateway's, in their integration tests.
 */
class TransactionalProducerTest {

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Properties nowhere(int port) {
        Properties p = new Properties();
        p.put("bootstrap.servers", "127.0.0.1:" + port);
        p.put("transactional.id", "test-" + port);
        p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        p.put("max.block.ms", "300");
        return p;
    }

    @Test
    void aBrokerThatIsAwayFailsEachWriteWithinTheBoundAndEachTriesAFreshProducer() throws IOException {
        int port = closedPort();
        AtomicInteger made = new AtomicInteger();
        try (TransactionalProducer producer = new TransactionalProducer("test writer", () -> {
            made.incrementAndGet();
            return nowhere(port);
        }, null)) {
            for (int attempt = 1; attempt <= 2; attempt++) {
                long start = System.nanoTime();
                Throwable failure = assertThrows(RuntimeException.class,
                        () -> producer.commit(List.of()).await().atMost(Duration.ofSeconds(30)));
                // Kafka's own words for a wait that reached max.block.ms; a producer left half made
                // would have said instead that initTransactions was never called
                assertInstanceOf(TimeoutException.class, failure, failure.toString());
                assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0,
                        "a write waits about max.block.ms, not Kafka's default minute");
                assertEquals(attempt, made.get(), "each write after a failed start makes a producer of its own");
            }
        }
    }

    /** Kafka refuses a delivery timeout shorter than a request's: the bounded settings make a producer. */
    @Test
    void theBoundedSettingsMakeAProducerThatGivesUpWithinAMinute() throws IOException {
        Properties base = nowhere(closedPort());
        base.remove("max.block.ms");
        Properties p = TransactionalProducer.bounded(base, "orgos-escalation-x", "orgos-escalation-outbox");
        assertEquals("orgos-escalation-x", p.getProperty("transactional.id"));
        assertEquals("orgos-escalation-outbox", p.getProperty("client.id"));
        long worst = Long.parseLong(p.getProperty("max.block.ms")) + Long.parseLong(p.getProperty("delivery.timeout.ms"));
        assertTrue(worst <= 60_000, "a metadata wait and then a send's: " + worst + " ms");
        new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(p).close(Duration.ZERO);
    }

    @Test
    void onceClosedItWritesNothingAndSaysWhy() throws IOException {
        int port = closedPort();
        AtomicInteger made = new AtomicInteger();
        TransactionalProducer producer = new TransactionalProducer("outbox relay", () -> {
            made.incrementAndGet();
            return nowhere(port);
        }, null);
        producer.close();
        producer.close(); // a second close is nothing
        Throwable refused = assertThrows(RuntimeException.class, () -> producer.commit(List.of()).await().atMost(Duration.ofSeconds(10)));
        assertTrue(refused.getMessage().contains("outbox relay is stopping"), refused.toString());
        assertEquals(0, made.get(), "no producer is made once closed");
    }

    @Test
    void workRunsOnTheProducersOneThreadInTheOrderItWasGiven() {
        try (TransactionalProducer producer = new TransactionalProducer("outbox relay", Properties::new, null)) {
            StringBuilder order = new StringBuilder();
            producer.onItsThread(() -> order.append('a')).subscribe().with(x -> { });
            String thread = producer.onItsThread(() -> {
                order.append('b');
                return Thread.currentThread().getName();
            }).await().atMost(Duration.ofSeconds(10));
            assertEquals("orgos-outbox-relay-transactions", thread);
            assertEquals("ab", order.toString());
        }
    }
}
