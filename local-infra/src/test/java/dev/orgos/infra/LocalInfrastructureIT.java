package dev.orgos.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.schema.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** The three servers really start, on loopback, and the mesh's topics, schemas and databases exist. */
class LocalInfrastructureIT {

    @Test
    void startsKafkaRegistryAndPostgresAndPreparesTheMesh() throws Exception {
        try (LocalInfrastructure infra = LocalInfrastructure.start(Path.of("target/infra-it"), System.out::println, "orgos_probe")) {
            Endpoints e = infra.endpoints();
            assertTrue(e.kafkaBootstrap().startsWith("127.0.0.1:"));
            Properties p = new Properties();
            p.put("bootstrap.servers", e.kafkaBootstrap());
            try (Admin admin = Admin.create(p)) {
                Set<String> names = admin.listTopics().names().get();
                for (Topics t : Topics.values()) {
                    assertTrue(names.contains(t.topic()), t.topic());
                }
            }
            HttpResponse<String> artifact = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    e.registryApiUrl() + "/groups/default/artifacts/" + Topics.ACTIONS.valueArtifactId() + "/rules/COMPATIBILITY")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, artifact.statusCode(), artifact.body());
            assertTrue(artifact.body().contains("BACKWARD"), artifact.body());
            try (var c = DriverManager.getConnection(e.jdbcUrl("orgos_probe"), e.pgUser(), e.pgPassword());
                 var rs = c.createStatement().executeQuery("select inet_server_addr()::text")) {
                rs.next();
                assertTrue(rs.getString(1).startsWith("127.0.0.1"), rs.getString(1));
            }
            // Registering twice is harmless: a second start against the same registry must work.
            MeshBootstrap.registerSchemas(e.registryUrl(), s -> { });
        }
    }
}
