package dev.orgos.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TimeBoundSchemaResolverTest {

    /**
     * A registry that takes connections and requests and never answers, as the one a router once
     * waited on for ever: a serializer from {@link Clients#writer} gives up in bounded time.
     */
    @Test
    void aRegistryThatNeverAnswersFailsTheLookupInsteadOfHangingIt() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // read nothing, answer nothing
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Map<String, Object> config = new HashMap<>();
            Clients.writer("127.0.0.1:9", "http://127.0.0.1:" + silent.getLocalPort() + "/apis/registry/v3")
                    .forEach((k, v) -> config.put((String) k, v));
            config.put(TimeBoundSchemaResolver.REQUEST_TIMEOUT_MS, "300");
            config.put("apicurio.registry.retry-count", "1");
            config.put("apicurio.registry.retry-backoff-ms", "10");
            try (AvroKafkaSerializer<AnchorRef> serializer = new AvroKafkaSerializer<>()) {
                serializer.configure(config, false);
                RuntimeException failed = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(RuntimeException.class,
                        () -> serializer.serialize("orgos.anything", AnchorRef.newBuilder().setRole("finance-ops").build())));
                assertTrue(causes(failed).stream().anyMatch(TimeBoundSchemaResolver.RegistryTimeoutException.class::isInstance),
                        "the failure says the registry did not answer in time: " + causes(failed));
            }
            assertTrue(!held.isEmpty(), "the serializer did ask the silent registry");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void theTimeoutIsTenSecondsUnlessConfigured() {
        assertEquals(Duration.ofSeconds(10), TimeBoundSchemaResolver.timeout(Map.of()));
        assertEquals(Duration.ofMillis(2500), TimeBoundSchemaResolver.timeout(Map.of(TimeBoundSchemaResolver.REQUEST_TIMEOUT_MS, " 2500")));
    }

    private static List<Throwable> causes(Throwable t) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }
}
