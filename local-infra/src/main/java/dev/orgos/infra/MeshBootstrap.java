package dev.orgos.infra;

import dev.orgos.schema.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * What the mesh needs before its services start: its topics, its schemas registered
 * deliberately (services never auto-register), and its databases.
 */
public final class MeshBootstrap {
    private MeshBootstrap() {
    }

    public static void createTopics(String bootstrap, Consumer<String> progress) {
        try (Admin admin = Admin.create(dev.orgos.schema.Clients.admin(bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (Topics t : Topics.values()) {
                NewTopic nt = new NewTopic(t.topic(), t.defaultPartitions(), (short) 1);
                if (t == Topics.CHARTERS) {
                    nt.configs(Map.of("cleanup.policy", "compact"));
                } else if (t == Topics.LEDGER || t == Topics.CHECKPOINTS || t == Topics.FACTS) {
                    // the ledger keeps everything; so does its input, so a ledger rebuilt from scratch loses nothing
                    nt.configs(Map.of("retention.ms", "-1", "retention.bytes", "-1"));
                } else if (t == Topics.ACTIONS) {
                    // the broker's time, not the producer's: the router charges budgets at a record's time, and a
                    // Kafka-native worker choosing its own could spread its actions over windows of its choosing
                    nt.configs(Map.of("message.timestamp.type", "LogAppendTime"));
                } else if (t == Topics.ROUTER_STATE) {
                    // the de-duplication window: a resubmission within 7 days gets no second decision
                    nt.configs(Map.of("retention.ms", Long.toString(java.time.Duration.ofDays(7).toMillis())));
                }
                topics.add(nt);
            }
            int created = 0;
            for (var e : admin.createTopics(topics).values().entrySet()) {
                try {
                    e.getValue().get();
                    created++;
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + e.getKey() + ": " + ex.getCause().getMessage(), ex);
                    }
                }
            }
            progress.accept("Topics ready (" + created + " created, " + (topics.size() - created) + " already there)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Registers each topic's value schema as the artifact the Apicurio serde looks up
     * ({@code <topic>-value}), with a BACKWARD compatibility rule, so a later incompatible
     * version is refused by the registry as it is by the build.
     */
    public static void registerSchemas(String registryUrl, Consumer<String> progress) {
        HttpClient http = HttpClient.newHttpClient();
        String base = registryUrl + "/apis/registry/v3/groups/default/artifacts";
        for (Topics t : Topics.withSchemas()) {
            String body = "{\"artifactId\":" + json(t.valueArtifactId()) + ",\"artifactType\":\"AVRO\","
                    + "\"firstVersion\":{\"content\":{\"content\":" + json(t.valueSchema().toString())
                    + ",\"contentType\":\"application/json\"}}}";
            send(http, HttpRequest.newBuilder(URI.create(base + "?ifExists=FIND_OR_CREATE_VERSION"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)), "register schema " + t.valueArtifactId(), 200);
            String rules = base + "/" + URLEncoder.encode(t.valueArtifactId(), StandardCharsets.UTF_8) + "/rules";
            send(http, HttpRequest.newBuilder(URI.create(rules))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"ruleType\":\"COMPATIBILITY\",\"config\":\"BACKWARD\"}")),
                    "set the compatibility rule of " + t.valueArtifactId(), 204, 409);
        }
        progress.accept("Schemas registered in the registry (" + Topics.withSchemas().size() + " artifacts, BACKWARD compatibility)");
    }

    /** Registers one more artifact (benchmarks and tools that write a topic of their own). */
    public static void registerSchema(String registryUrl, String artifactId, org.apache.avro.Schema schema) {
        String body = "{\"artifactId\":" + json(artifactId) + ",\"artifactType\":\"AVRO\","
                + "\"firstVersion\":{\"content\":{\"content\":" + json(schema.toString()) + ",\"contentType\":\"application/json\"}}}";
        send(HttpClient.newHttpClient(), HttpRequest.newBuilder(URI.create(registryUrl + "/apis/registry/v3/groups/default/artifacts?ifExists=FIND_OR_CREATE_VERSION"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), "register " + artifactId, 200);
    }

    public static void createDatabases(Endpoints e, Consumer<String> progress, String... databases) {
        if (databases.length == 0) {
            return;
        }
        try (Connection c = DriverManager.getConnection(e.jdbcUrl("postgres"), e.pgUser(), e.pgPassword())) {
            for (String db : databases) {
                try (var check = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                    check.setString(1, db);
                    if (check.executeQuery().next()) {
                        continue;
                    }
                }
                try (var create = c.createStatement()) {
                    create.execute("CREATE DATABASE \"" + db.replace("\"", "") + "\"");
                }
            }
            progress.accept("Databases ready: " + String.join(", ", databases));
        } catch (SQLException ex) {
            throw new IllegalStateException("could not create databases on " + e.pgHost() + ":" + e.pgPort() + ": " + ex.getMessage(), ex);
        }
    }

    private static int send(HttpClient http, HttpRequest.Builder request, String what, int... accepted) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            for (int ok : accepted) {
                if (r.statusCode() == ok) {
                    return ok;
                }
            }
            throw new IllegalStateException("could not " + what + ": HTTP " + r.statusCode() + " " + r.body());
        } catch (IOException ex) {
            throw new IllegalStateException("could not " + what + ": " + ex.getMessage(), ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
