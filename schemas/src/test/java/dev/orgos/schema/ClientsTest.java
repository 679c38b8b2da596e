package dev.orgos.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Properties;
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
}
