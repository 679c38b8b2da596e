package dev.orgos.schema;

import java.util.Properties;

/**
 * Kafka client settings that read and write this mesh's records as Avro through the Apicurio
 * registry. One definition for every plain client (tools, state restores, tests); the
 * services' channels say the same in their application.properties.
 */
public final class Clients {
    private Clients() {
    }

    /**
     * A reader of committed records only (read_committed), that commits no offsets of its own:
     * for replays and restores that position themselves.
     */
    public static Properties reader(String bootstrap, String registryApiUrl) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        p.put("value.deserializer", "io.apicurio.registry.serde.avro.AvroKafkaDeserializer");
        p.put("apicurio.registry.url", registryApiUrl);
        p.put("apicurio.registry.use-specific-avro-reader", "true");
        return p;
    }

    /** A writer that uses the registered schemas and never registers one itself. */
    public static Properties writer(String bootstrap, String registryApiUrl) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        p.put("value.serializer", "io.apicurio.registry.serde.avro.AvroKafkaSerializer");
        p.put("apicurio.registry.url", registryApiUrl);
        p.put("apicurio.registry.auto-register", "false");
        p.put("apicurio.registry.find-latest", "true");
        return p;
    }
}
