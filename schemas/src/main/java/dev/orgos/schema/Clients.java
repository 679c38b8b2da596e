package dev.orgos.schema;

import java.util.Properties;

/**
 * Kafka client settings that read and write this mesh's records as Avro through the Apicurio
 * registry. One definition for every plain client (tools, state restores, tests); the
 * services' channels say the same in their application.properties.
 *
 * <p>Transport security comes from the environment, the same variables the services' channels
 * read: {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_*} and {@code KAFKA_SSL_*} become
 * {@code security.protocol}, {@code sasl.*} and {@code ssl.*}. So an auditor's
 * {@code orgos ledger verify} and a router's state restore reach a TLS/SCRAM cluster exactly
 * as the channels do, and no secret is ever written in a file of ours.
 */
public final class Clients {
    /**
     * The registry client speaks HTTP through the JDK's HttpClient, not Vert.x's WebClient: through
     * the Vert.x adapter a schema lookup twice never completed in CI (the registry's answer was in
     * the client's socket; the adapter waits without a timeout), which stalled a service's
     * publishing and a test until they were killed. The services' channels say the same.
     */
    public static final String REGISTRY_HTTP_ADAPTER = "apicurio.registry.http.adapter";

    /** The serde's schema resolver: {@link TimeBoundSchemaResolver}, whose requests to the registry time out. */
    public static final String SCHEMA_RESOLVER = "apicurio.registry.schema-resolver";

    private Clients() {
    }

    /**
     * A reader of committed records only (read_committed), that commits no offsets of its own:
     * for replays and restores that position themselves.
     */
    public static Properties reader(String bootstrap, String registryApiUrl) {
        Properties p = security();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        p.put("value.deserializer", "io.apicurio.registry.serde.avro.AvroKafkaDeserializer");
        p.put("apicurio.registry.url", registryApiUrl);
        p.put("apicurio.registry.use-specific-avro-reader", "true");
        p.put(REGISTRY_HTTP_ADAPTER, "JDK");
        p.put(SCHEMA_RESOLVER, TimeBoundSchemaResolver.class); // no registry request waits for ever
        p.put("apicurio.registry.avro-datum-provider", CachingAvroDatumProvider.class); // the class, not its name: found whatever the class loader
        return p;
    }

    /** A writer that uses the registered schemas and never registers one itself. */
    public static Properties writer(String bootstrap, String registryApiUrl) {
        Properties p = security();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        p.put("value.serializer", "io.apicurio.registry.serde.avro.AvroKafkaSerializer");
        p.put("apicurio.registry.url", registryApiUrl);
        p.put("apicurio.registry.auto-register", "false");
        p.put("apicurio.registry.find-latest", "true");
        p.put(REGISTRY_HTTP_ADAPTER, "JDK");
        p.put(SCHEMA_RESOLVER, TimeBoundSchemaResolver.class); // no registry request waits for ever
        p.put("apicurio.registry.avro-datum-provider", CachingAvroDatumProvider.class); // the class, not its name: found whatever the class loader
        return p;
    }

    /** An admin client's settings: the bootstrap servers and the transport security. */
    public static Properties admin(String bootstrap) {
        Properties p = security();
        p.put("bootstrap.servers", bootstrap);
        return p;
    }

    /** Transport security settings from the environment (none: plaintext, as on a developer's machine). */
    public static Properties security() {
        return security(System.getenv());
    }

    static Properties security(java.util.Map<String, String> environment) {
        Properties p = new Properties();
        environment.forEach((name, value) -> {
            if (name.equals("KAFKA_SECURITY_PROTOCOL") || name.startsWith("KAFKA_SASL_") || name.startsWith("KAFKA_SSL_")) {
                p.put(name.substring("KAFKA_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.'), value);
            }
        });
        return p;
    }
}
