package dev.orgos.service.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RegistryPatienceTest {

    /** A port nothing listens on: the registry is away. */
    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static AvroKafkaDeserializer<Object> deserializerFor(int port) {
        AvroKafkaDeserializer<Object> d = new AvroKafkaDeserializer<>();
        d.configure(Map.of("apicurio.registry.url", "http://127.0.0.1:" + port + "/apis/registry/v3",
                "apicurio.registry.retry-count", "1", "apicurio.registry.retry-backoff-ms", "10"), false);
        return d;
    }

    /** Reads {@code value} through the handler, counting how many times it was deserialized. */
    static Object read(RegistryPatience patience, AvroKafkaDeserializer<Object> d, byte[] value, AtomicInteger tries, RecordHeaders headers) {
        return patience.decorateDeserialization(Uni.createFrom().item(() -> {
            tries.incrementAndGet();
            return d.deserialize("orgos.actions", headers, value);
        }), "orgos.actions", false, AvroKafkaDeserializer.class.getName(), value, headers);
    }

    /** The registry's framing: magic byte 0, then a 4-byte schema id, then the Avro body. */
    static final byte[] FRAMED = {0, 0, 0, 0, 42, 2, 'x'};

    /**
     * Not dead-lettered, as before: the record's schema cannot be looked up, but nothing is wrong with
     * the record. The handler fails, and the channel stops with nothing committed past it.
     */
    @Test
    void aRecordWhoseSchemaCannotBeLookedUpWaitsForTheRegistryThenStopsTheChannel() throws Exception {
        RegistryPatience patience = new RegistryPatience(Duration.ofSeconds(2));
        var d = deserializerFor(closedPort());
        AtomicInteger tries = new AtomicInteger();
        RecordHeaders headers = new RecordHeaders();
        long start = System.nanoTime();
        var stopped = assertThrows(RegistryPatience.RegistryUnreachableException.class, () -> read(patience, d, FRAMED, tries, headers));
        assertTrue(stopped.getMessage().contains("orgos.registry.patience"), stopped.getMessage());
        assertTrue(tries.get() > 1, "tried again while the registry was away: " + tries.get());
        assertTrue(System.nanoTime() - start >= Duration.ofSeconds(2).toNanos(), "for the patience");
        assertNull(headers.lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_REASON), "not marked for the dead letters");

        // the outage has outlasted the patience: the next record does not hold the poll again
        AtomicInteger next = new AtomicInteger();
        assertThrows(RegistryPatience.RegistryUnreachableException.class, () -> read(patience, d, FRAMED, next, new RecordHeaders()));
        assertEquals(1, next.get());
    }

    @Test
    void aRecordThatIsNotWhatTheRegistryFramesIsNotWaitedFor() throws Exception {
        RegistryPatience patience = new RegistryPatience(Duration.ofSeconds(30));
        AtomicInteger tries = new AtomicInteger();
        RecordHeaders headers = new RecordHeaders();
        assertNull(read(patience, deserializerFor(closedPort()), "{not avro".getBytes(StandardCharsets.UTF_8), tries, headers));
        assertEquals(1, tries.get());
        assertNotNull(headers.lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_REASON));
    }

    @Test
    void theRecordIsReadOnceTheRegistryAnswersAgain() {
        RegistryPatience patience = new RegistryPatience(Duration.ofSeconds(30));
        AtomicInteger tries = new AtomicInteger();
        Object read = patience.decorateDeserialization(Uni.createFrom().item(() -> {
            if (tries.incrementAndGet() < 3) {
                throw new RuntimeException("lookup failed", new ConnectException("Connection refused"));
            }
            return "the action";
        }), "orgos.actions", false, "x", new byte[0], new RecordHeaders());
        assertEquals("the action", read);
        assertEquals(3, tries.get());
    }

    @Test
    void onlyTheRegistryBeingAwayIsWaitedFor() {
        assertTrue(RegistryPatience.unreachable(new RuntimeException(new ConnectException("refused"))));
        assertTrue(RegistryPatience.unreachable(new java.net.http.HttpConnectTimeoutException("connect timed out")));
        assertFalse(RegistryPatience.unreachable(new IllegalStateException("artifact reference cannot be null")));
        assertFalse(RegistryPatience.unreachable(new org.apache.avro.AvroRuntimeException("malformed data")));
    }
}
