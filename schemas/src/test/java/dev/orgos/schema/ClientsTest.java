package dev.orgos.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ClientsTest {

    @Test
    void transportSecurityComesFromTheKafkaVariablesOfTheEnvironmentAndNothingElse() {
        Properties p = Clients.security(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka-ca/ca.crt",
                "KAFKA_BOOTSTRAP_SERVERS", "elsewhere:9092",
                "KAFKA_HEAP_OPTS", "-Xmx1g",
                "PATH", "/usr/bin"));
        assertEquals(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.truststore.type", "PEM",
                "ssl.truststore.location", "/etc/kafka-ca/ca.crt"), p);
    }

    @Test
    void theBootstrapServersArgumentWinsAndPlaintextIsTheDefault() {
        Properties p = Clients.admin("127.0.0.1:9092");
        assertEquals("127.0.0.1:9092", p.get("bootstrap.servers"));
    }

    @Test
    void theRegistryIsAskedThroughTheJdksHttpClientNotVertx() throws Exception {
        List<String> agents = new CopyOnWriteArrayList<>();
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", exchange -> {
            agents.add(String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")));
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        registry.start();
        try (AvroKafkaSerializer<AnchorRef> serializer = new AvroKafkaSerializer<>()) {
            Map<String, Object> config = new HashMap<>();
            Clients.writer("127.0.0.1:9", "http://127.0.0.1:" + registry.getAddress().getPort() + "/apis/registry/v3")
                    .forEach((k, v) -> config.put((String) k, v));
            serializer.configure(config, false);
            // no such schema here: the lookup fails, which is all this test needs from it
            assertThrows(RuntimeException.class, () -> serializer.serialize("orgos.anything",
                    AnchorRef.newBuilder().setRole("finance-ops").build()));
        } finally {
            registry.stop(0);
        }
        assertTrue(!agents.isEmpty(), "the serializer asked the registry");
        assertTrue(agents.stream().allMatch(a -> a.startsWith("Java-http-client")), agents.toString());
    }
}
