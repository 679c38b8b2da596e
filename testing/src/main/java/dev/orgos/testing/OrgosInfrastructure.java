package dev.orgos.testing;

import dev.orgos.infra.Endpoints;
import dev.orgos.infra.LocalInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at real infrastructure: one Kafka broker, one Apicurio
 * registry and one PostgreSQL per test JVM, reused across test classes and stopped when the
 * JVM ends. Servers configured through ORGOS_* variables are reused instead of started.
 *
 * <p>Use: {@code @QuarkusTestResource(value = OrgosInfrastructure.class, initArgs =
 * @ResourceArg(name = "database", value = "orgos_escalation"))}.
 */
public class OrgosInfrastructure implements QuarkusTestResourceLifecycleManager {

    private static LocalInfrastructure shared;
    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.get("database");
    }

    @Override
    public Map<String, String> start() {
        Endpoints e = endpoints(database);
        Map<String, String> config = new HashMap<>(e.quarkusConfig(database));
        config.put("quarkus.kafka.devservices.enabled", "false");
        config.put("quarkus.apicurio-registry.devservices.enabled", "false");
        config.put("quarkus.datasource.devservices.enabled", "false");
        return config;
    }

    /** The shared endpoints, starting the infrastructure on first use; creates the database if given. */
    public static synchronized Endpoints endpoints(String database) {
        if (shared == null) {
            shared = LocalInfrastructure.start(Path.of("target", "orgos-infra"),
                    line -> System.out.println("[orgos-infra] " + line),
                    "orgos_gateway", "orgos_escalation", "orgos_ledger");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> shared.close(), "orgos-infra-stop"));
            publishExampleCharter(shared.endpoints());
        }
        if (database != null) {
            dev.orgos.infra.MeshBootstrap.createDatabases(shared.endpoints(), s -> { }, database);
        }
        return shared.endpoints();
    }

    /** The services read their charter from the charters topic: the example charter is put in force once. */
    private static void publishExampleCharter(Endpoints e) {
        java.nio.file.Path file = java.nio.file.Path.of("../charters/example.yaml");
        try {
            var result = dev.orgos.infra.CharterPublisher.publish(e.kafkaBootstrap(), e.registryApiUrl(), file.toString(),
                    java.nio.file.Files.readString(file), "test-setup");
            System.out.println("[orgos-infra] charter " + result.charter().id() + " v" + result.charter().version()
                    + (result.alreadyInForce() ? " already in force" : " put in force"));
        } catch (Exception ex) {
            throw new IllegalStateException("could not put the example charter in force: " + ex.getMessage(), ex);
        }
    }

    @Override
    public void stop() {
        // Shared by every test class of this JVM: stopped by the shutdown hook, not here.
    }
}
