package dev.orgos.service.kafka;

import dev.orgos.schema.Clients;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Properties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where a service's plain Kafka clients (state restores, chain recovery, charter readers, the
 * router's transactional producer) find the broker and the registry: the same settings its
 * SmallRye channels use, read in one place, turned into {@link Clients}' reader and writer.
 */
@ApplicationScoped
public class MeshClients {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "mp.messaging.connector.smallrye-kafka.apicurio.registry.url")
    String registryUrl;

    public String bootstrap() {
        return bootstrap;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /** A fresh read_committed reader's settings; the caller adds its own (group, offsets, ...). */
    public Properties reader() {
        return Clients.reader(bootstrap, registryUrl);
    }

    /** A fresh writer's settings; the caller adds its own (transactional id, batching, ...). */
    public Properties writer() {
        return Clients.writer(bootstrap, registryUrl);
    }
}
