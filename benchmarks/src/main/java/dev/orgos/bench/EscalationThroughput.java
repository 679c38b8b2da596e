package dev.orgos.bench;

import dev.orgos.cli.mesh.Mesh;
import dev.orgos.cli.mesh.Service;
import dev.orgos.infra.DevTokens;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.AnchorRef;
import dev.orgos.schema.EscalationRaised;
import dev.orgos.schema.FiredRule;
import dev.orgos.schema.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The escalation service: (1) new escalations taken in and stored (task, history and outbox
 * rows committed, events published) per second; (2) latency of GET /v1/escalations with
 * 100,000 open tasks in the table.
 * Usage: java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.orgos.bench.EscalationThroughput [N]
 */
public final class EscalationThroughput {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path home = Path.of(System.getProperty("orgos.home", ".")).toAbsolutePath().normalize();
        try (Mesh mesh = Mesh.start(home, home.resolve(".orgos/bench-escalation"), false, Map.of(), System.out::println,
                EnumSet.noneOf(Service.class))) {
            var e = mesh.endpoints();
            Properties p = dev.orgos.schema.Clients.writer(e.kafkaBootstrap(), e.registryApiUrl());
            p.put("linger.ms", "20");
            try (KafkaProducer<String, Object> producer = new KafkaProducer<>(p)) {
                for (int i = 0; i < n; i++) {
                    String id = "bench-esc-" + i;
                    ActionProposed a = ActionProposed.newBuilder().setEventId(UUID.randomUUID().toString()).setActionId(id)
                            .setAgentId("bench-agent").setOccurredAt(Instant.now()).setActionType("refund.issue").setAmount(2400.0).build();
                    producer.send(new ProducerRecord<>(Topics.ESCALATION_REQUESTS.topic(), id, EscalationRaised.newBuilder()
                            .setEventId(UUID.randomUUID().toString()).setActionId(id).setAgentId("bench-agent").setOccurredAt(Instant.now())
                            .setAnchor(AnchorRef.newBuilder().setRole("finance-ops").build()).setPathwayId("refunds").setAction(a)
                            .setFiredRules(List.of(FiredRule.newBuilder().setRuleId("refunds.limits.maxAmount").setKind("LIMIT")
                                    .setExplanation("amount 2400 exceeds the limit of 500").build()))
                            .setReason("Outside the limits").setCharterVersion(1).setCharterDigest("sha256:bench").build()));
                }
            }
            System.out.printf(Locale.ROOT, "wrote %,d escalation requests%n", n);
            mesh.startService(Service.ESCALATION_SERVICE);
            Instant ready = Instant.now();
            Instant first = null;
            long firstCount = 0;
            try (Connection c = DriverManager.getConnection(e.jdbcUrl("orgos_escalation"), e.pgUser(), e.pgPassword())) {
                while (true) {
                    long count;
                    try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM escalation_task")) {
                        rs.next();
                        count = rs.getLong(1);
                    }
                    if (count > 0 && first == null) {
                        first = Instant.now();
                        firstCount = count;
                    }
                    if (count >= n) {
                        break;
                    }
                    Thread.sleep(100);
                }
                double fromReady = n / (Duration.between(ready, Instant.now()).toMillis() / 1000.0);
                double steady = (n - firstCount) / Math.max(0.001, Duration.between(first, Instant.now()).toMillis() / 1000.0);
                System.out.printf(Locale.ROOT, "intake: %,d escalations stored: %,.0f/s from ready, %,.0f/s steady state%n", n, fromReady, steady);

                // 100,000 open tasks, spread over anchors, for the queue query
                c.createStatement().execute("""
                        INSERT INTO escalation_task (id, action_id, agent_id, action_type, action_json, pathway_id, anchor, level, assignee,
                            required_approvals, status, escalation_reason, fired_rules_json, charter_version, charter_digest,
                            acknowledge_by, resolve_by, created_at, updated_at)
                        SELECT gen_random_uuid(), 'bulk-' || g, 'bench-agent', 'refund.issue', '{}', 'refunds',
                            (ARRAY['finance-ops','pricing','customer-comms','platform-oncall','cfo-office'])[1 + g % 5], 0,
                            (ARRAY['alice','bob','dave','frank','grace'])[1 + g % 5], 1, 'OPEN', 'bench', '[]', 1, 'sha256:bench',
                            now() + (g % 1000) * interval '1 minute', now() + interval '1 day', now(), now()
                        FROM generate_series(1, 100000) g""");
                c.createStatement().execute("ANALYZE escalation_task");
            }
            String token = DevTokens.human("alice", List.of("finance-ops"), Duration.ofHours(1));
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create(mesh.url(Service.ESCALATION_SERVICE) + "/v1/escalations"))
                    .header("Authorization", "Bearer " + token).build();
            for (int i = 0; i < 200; i++) {
                http.send(get, HttpResponse.BodyHandlers.discarding()); // warm-up
            }
            List<Long> micros = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        long s = System.nanoTime();
                        HttpResponse<Void> r = http.send(get, HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("HTTP " + r.statusCode());
                        }
                        micros.add((System.nanoTime() - s) / 1000);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            List<Long> sorted = new ArrayList<>(micros);
            Collections.sort(sorted);
            System.out.printf(Locale.ROOT, "GET /v1/escalations with %,d open tasks (first page of 50, 4 clients, %d requests): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    100_000 + n, sorted.size(), sorted.get(sorted.size() / 2) / 1000.0, sorted.get((int) (sorted.size() * 0.99)) / 1000.0,
                    sorted.get(sorted.size() - 1) / 1000.0);
        }
    }
}
