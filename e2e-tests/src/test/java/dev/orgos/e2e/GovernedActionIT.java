package dev.orgos.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgos.cli.demo.Scenario;
import dev.orgos.cli.http.Api;
import dev.orgos.cli.mesh.Mesh;
import dev.orgos.cli.mesh.Service;
import dev.orgos.client.Action;
import dev.orgos.client.ActionState;
import dev.orgos.client.GatewayException;
import dev.orgos.client.WorkerClient;
import dev.orgos.governance.ledger.LedgerChain;
import dev.orgos.infra.DevTokens;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.LedgerEntry;
import dev.orgos.schema.Topics;
import dev.orgos.testing.TopicProbe;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One governed action end to end, as in production: the four services run as packaged
 * applications in their own JVMs against real Kafka, Apicurio Registry and PostgreSQL.
 */
class GovernedActionIT {

    /** Where this test's mesh keeps its data and logs. */
    static final Path WORK = Path.of("target/e2e");

    @org.junit.jupiter.api.extension.RegisterExtension
    static final MeshLogsOnFailure LOGS = new MeshLogsOnFailure(WORK);

    static final Duration WAIT = Duration.ofSeconds(60);
    static Mesh mesh;
    static WorkerClient worker;
    static Api alice;
    static Api auditor;

    @BeforeAll
    static void startTheWholeMesh() {
        Path home = Path.of(System.getProperty("orgos.home", "..")).toAbsolutePath().normalize();
        mesh = Mesh.start(home, WORK, false, Map.of(),
                line -> System.out.println("[e2e] " + line));
        worker = new WorkerClient(URI.create(mesh.url(Service.EXECUTION_GATEWAY)), () -> DevTokens.agent("refund-bot", Duration.ofMinutes(10)));
        alice = new Api(mesh.url(Service.ESCALATION_SERVICE), DevTokens.human("alice", List.of("finance-ops"), Duration.ofMinutes(10)));
        auditor = new Api(mesh.url(Service.ACCOUNTABILITY_LEDGER), DevTokens.human("ivan", List.of("auditor"), Duration.ofMinutes(10)));
    }

    @AfterAll
    static void stopEverything() {
        if (mesh != null) {
            mesh.close();
        }
    }

    static List<JsonNode> ledger(String actionId, int expected) {
        List<JsonNode> entries = new ArrayList<>();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            entries.clear();
            auditor.get("/v1/ledger/entries", Map.of("actionId", actionId)).forEach(entries::add);
            assertEquals(expected, entries.size(), "ledger entries of " + actionId + ": " + entries);
        });
        return entries;
    }

    static List<String> types(List<JsonNode> entries) {
        return entries.stream().map(e -> e.get("factType").asText()).toList();
    }

    @Test
    void inBoundsActionIsAutonomousAndOutOfBoundsOneIsApprovedByAHumanWithEveryStepInTheLedger() throws Exception {
        // in bounds: autonomous, in milliseconds, with a ledger fact naming the anchor
        // (the verdict comes back in the submission's own answer: Prefer: wait)
        ActionState autonomous = worker.submitAndAwait(Action.of("e2e-small-" + UUID.randomUUID(), "refund.issue").amount(120, "EUR")
                .confidence(0.95), WAIT);
        String small = autonomous.actionId();
        assertEquals("AUTONOMOUS", autonomous.status());
        assertTrue(autonomous.mayProceed());
        List<JsonNode> smallEntries = ledger(small, 1);
        assertEquals(List.of("ACTION_DECIDED"), types(smallEntries));
        assertEquals("finance-ops", smallEntries.get(0).get("anchorRole").asText());

        // out of bounds: escalated, stored in PostgreSQL, approved by a human through the API
        String large = worker.submit(Action.of("e2e-large-" + UUID.randomUUID(), "refund.issue").amount(2400, "EUR").confidence(0.95));
        ActionState escalated = Awaitility.await().atMost(WAIT).until(() -> worker.get(large),
                s -> "ESCALATED".equals(s.status()) && s.deadline() != null);
        assertFalse(escalated.mayProceed());
        JsonNode task = Awaitility.await().atMost(WAIT).until(() -> find(alice.get("/v1/escalations", Map.of()), large), t -> t != null);
        assertEquals("finance-ops", task.get("anchor").asText());
        var db = mesh.endpoints();
        try (var c = DriverManager.getConnection(db.jdbcUrl("orgos_escalation"), db.pgUser(), db.pgPassword());
             var rs = c.createStatement().executeQuery("SELECT status FROM escalation_task WHERE action_id = '" + large + "'")) {
            assertTrue(rs.next(), "the escalation is stored in PostgreSQL");
            assertEquals("OPEN", rs.getString(1));
        }
        alice.post("/v1/escalations/" + task.get("id").asText() + "/approve", Map.of("reason", "damage confirmed on photos"));

        ActionState approved = worker.awaitFinal(large, WAIT);
        assertEquals("APPROVED", approved.status());
        assertEquals(List.of("alice"), approved.decidedBy());
        assertTrue(approved.mayProceed());

        // the ledger recorded each step, in order, naming the accountable anchor and the human
        List<JsonNode> steps = ledger(large, 4);
        assertEquals(List.of("ACTION_DECIDED", "ESCALATION_ASSIGNED", "ESCALATION_RESOLVED", "VERDICT_ISSUED"), types(steps));
        for (JsonNode e : steps) {
            assertEquals("finance-ops", e.get("anchorRole").asText());
            assertEquals(1, e.get("charterVersion").asLong());
            assertTrue(e.get("charterDigest").asText().startsWith("sha256:"));
        }
        assertEquals("alice", steps.get(2).get("anchorPerson").asText());
        for (int i = 1; i < steps.size(); i++) {
            assertTrue(steps.get(i).get("sequence").asLong() > steps.get(i - 1).get("sequence").asLong(), "in order");
        }
        // one trace from the gateway through router and escalation service into the ledger
        String trace = approved.traceId();
        assertNotNull(trace);
        assertEquals(32, trace.length());
        for (JsonNode e : steps) {
            assertEquals(trace, e.get("traceId").asText(), "trace id of " + e.get("factType"));
        }
    }

    @Test
    void malformedActionIsRefusedWithAProblemNamingTheFieldAndNeverReachesKafka() {
        String id = "e2e-bad-" + UUID.randomUUID();
        GatewayException e = assertThrows(GatewayException.class,
                () -> worker.submit(Action.of(id, "refund.issue").amount(-5, "EUR").confidence(3)));
        assertEquals(400, e.status());
        assertTrue(e.problem().contains("\"field\":\"amount\"") && e.problem().contains("\"field\":\"confidence\""), e.problem());
        String marker = worker.submit(Action.of("e2e-marker-" + UUID.randomUUID(), "refund.issue").amount(1, "EUR").confidence(0.99));
        var seen = new TopicProbe(mesh.endpoints()).<ActionProposed>await(Topics.ACTIONS.topic(),
                r -> r.value() != null && (r.value().getActionId().equals(id) || r.value().getActionId().equals(marker)),
                l -> l.stream().anyMatch(r -> r.value().getActionId().equals(marker)), WAIT);
        assertTrue(seen.stream().noneMatch(r -> r.value().getActionId().equals(id)));
    }

    @Test
    void theDemoScenarioRunsAndTheLedgerTopicVerifiesFromGenesis() {
        int checked = new Scenario(mesh, System.out).run();
        assertTrue(checked >= 12, "entries checked: " + checked);
        // an auditor's own replay of the topic, trusting no database
        List<LedgerEntry> topic = new TopicProbe(mesh.endpoints()).<LedgerEntry>await(Topics.LEDGER.topic(), r -> true,
                l -> l.size() >= checked, WAIT).stream().map(r -> r.value()).toList();
        byte[] previous = LedgerChain.GENESIS;
        for (LedgerEntry e : topic) {
            assertArrayEquals(previous, bytes(e.getPreviousHash()), "link at " + e.getSequence());
            previous = LedgerChain.hash(e.getSequence(), e.getSealedAt().toEpochMilli(), previous, bytes(e.getFact()));
            assertArrayEquals(previous, bytes(e.getEntryHash()), "hash at " + e.getSequence());
        }
    }

    @Test
    void twoGatewayReplicasServeTheSameActionsState() {
        String replica = mesh.startReplica(Service.EXECUTION_GATEWAY).url();
        WorkerClient viaReplica = new WorkerClient(URI.create(replica), () -> DevTokens.agent("refund-bot", Duration.ofMinutes(10)));
        String id = worker.submit(Action.of("e2e-replicas-" + UUID.randomUUID(), "refund.issue").amount(900, "EUR").confidence(0.95));
        // submitted through one replica, escalated, decided, and read through the other: no state lives in one instance
        JsonNode task = Awaitility.await().atMost(WAIT).until(() -> find(alice.get("/v1/escalations", Map.of()), id), t -> t != null);
        alice.post("/v1/escalations/" + task.get("id").asText() + "/reject", Map.of("reason", "not this one"));
        ActionState seenByReplica = viaReplica.awaitFinal(id, WAIT);
        assertEquals("REJECTED", seenByReplica.status());
        assertEquals("not this one", seenByReplica.reason());
        assertEquals(seenByReplica, worker.get(id));
        // a retry through the replica is answered with the original acceptance
        assertEquals(id, viaReplica.submit(Action.of(id, "refund.issue").amount(900, "EUR").confidence(0.95)));
    }

    /** A worker holding an API key instead of a JWT: an admin issues the key, the worker client uses it. */
    @Test
    void aWorkerWithAnApiKeyIsGovernedLikeAnyOther() throws Exception {
        Api admin = new Api(mesh.url(Service.EXECUTION_GATEWAY), DevTokens.human("erin", List.of("orgos-admin"), Duration.ofMinutes(10)));
        JsonNode issued = admin.post("/v1/api-keys", Map.of("agentId", "keyed-refund-bot", "description", "e2e"));
        WorkerClient keyed = WorkerClient.withApiKey(URI.create(mesh.url(Service.EXECUTION_GATEWAY)), issued.get("apiKey").asText());
        String id = keyed.submit(Action.of("e2e-key-" + UUID.randomUUID(), "refund.issue").amount(30, "EUR").confidence(0.95));
        ActionState state = keyed.awaitFinal(id, WAIT);
        assertEquals("AUTONOMOUS", state.status());
        assertTrue(state.mayProceed());
        List<JsonNode> entries = ledger(id, 1);
        assertEquals("keyed-refund-bot", entries.get(0).get("agentId").asText(), "the ledger names the key's agent");
    }

    /**
     * What operators watch: every service is ready only with Kafka, the registry (and its
     * database) reachable, and counts what it did in Prometheus metrics.
     */
    @Test
    void everyServiceReportsItsHealthAndCountsWhatItDid() throws Exception {
        for (Service s : Service.values()) {
            JsonNode ready = new com.fasterxml.jackson.databind.ObjectMapper().readTree(httpGet(mesh.url(s) + "/q/health/ready"));
            assertEquals("UP", ready.get("status").asText(), s + ": " + ready);
            List<String> checks = new ArrayList<>();
            ready.get("checks").forEach(c -> checks.add(c.get("name").asText()));
            if (s == Service.CONSOLE) {
                assertEquals(List.of("Escalation service and accountability ledger"), checks, "the console checks what it shows");
                continue;
            }
            assertTrue(checks.contains("Schema registry"), s + " checks the registry: " + checks);
            assertTrue(checks.stream().anyMatch(c -> c.contains("Reactive Messaging")), s + " checks Kafka: " + checks);
            if (s != Service.COORDINATION_ROUTER) {
                assertTrue(checks.stream().anyMatch(c -> c.contains("PostgreSQL")), s + " checks its database: " + checks);
            }
            if (s == Service.EXECUTION_GATEWAY) {
                assertTrue(checks.contains("Accepted actions to the broker"), "the gateway checks its own producer: " + checks);
            }
        }
        String id = worker.submit(Action.of("e2e-metrics-" + UUID.randomUUID(), "refund.issue").amount(900, "EUR").confidence(0.95));
        JsonNode task = Awaitility.await().atMost(WAIT).until(() -> find(alice.get("/v1/escalations", Map.of()), id), t -> t != null);
        alice.post("/v1/escalations/" + task.get("id").asText() + "/acknowledge", Map.of());
        alice.post("/v1/escalations/" + task.get("id").asText() + "/approve", Map.of("reason", "checked the order"));
        worker.awaitFinal(id, WAIT);

        Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            assertTrue(metric(Service.EXECUTION_GATEWAY, "orgos_gateway_actions_accepted_total") >= 1);
            assertTrue(metric(Service.COORDINATION_ROUTER, "orgos_decisions_total{outcome=\"ESCALATE\",pathway=\"refunds\"}") >= 1);
            assertTrue(metric(Service.ESCALATION_SERVICE, "orgos_escalations_opened_total{anchor=\"finance-ops\"}") >= 1);
            assertTrue(metric(Service.ESCALATION_SERVICE, "orgos_escalation_time_to_acknowledge_seconds_count{anchor=\"finance-ops\"}") >= 1);
            assertTrue(metric(Service.ESCALATION_SERVICE,
                    "orgos_escalation_time_to_resolve_seconds_count{anchor=\"finance-ops\",resolution=\"APPROVED\"}") >= 1);
            assertTrue(metric(Service.ACCOUNTABILITY_LEDGER, "orgos_ledger_entries_sealed_total") >= 1);
            assertTrue(metric(Service.ACCOUNTABILITY_LEDGER, "orgos_ledger_checkpoint_age_seconds") >= 0);
        });

        // the Grafana dashboard shows only metrics the services really export
        String dashboard = java.nio.file.Files.readString(Path.of(System.getProperty("orgos.home", ".."))
                .resolve("deploy/grafana/orgos-dashboard.json"));
        StringBuilder exported = new StringBuilder();
        for (Service s : Service.values()) {
            exported.append(httpGet(mesh.url(s) + "/q/metrics"));
        }
        var names = java.util.regex.Pattern.compile("\\b(orgos_[a-z_]+|kafka_consumer_[a-z_]+|http_server_[a-z_]+)").matcher(dashboard)
                .results().map(m -> m.group(1)).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        assertFalse(names.isEmpty());
        // counted per anchor from the first missed deadline on, so absent until one is missed
        names.remove("orgos_escalation_deadline_breaches_total");
        for (String name : names) {
            assertTrue(exported.toString().contains("\n" + name + "{") || exported.toString().contains("\n" + name + " "),
                    "the dashboard uses " + name + ", which no service exports");
        }
    }

    /** The value of one sample in a service's Prometheus output, or -1 when it is not there. */
    private static double metric(Service s, String sample) throws Exception {
        for (String line : httpGet(mesh.url(s) + "/q/metrics").split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).split(" ")[0]);
            }
        }
        return -1;
    }

    private static String httpGet(String url) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        return http.send(java.net.http.HttpRequest.newBuilder(URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private static JsonNode find(JsonNode tasks, String actionId) {
        for (JsonNode t : tasks) {
            if (t.get("actionId").asText().equals(actionId)) {
                return t;
            }
        }
        return null;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /**
     * Calibrating a candidate on recent history: refunds of 350 were autonomous under the charter in
     * force (limit 500); replayed against a candidate with a limit of 300 since a given instant, only
     * the ones recorded after it are counted, each stricter, and an action that reached the topic
     * twice (a resubmission, decided once) is counted once.
     */
    @Test
    void aCandidateReplayedSinceAnInstantCountsOnlyWhatCameAfterAndEachActionOnce() throws Exception {
        Path home = Path.of(System.getProperty("orgos.home", "..")).toAbsolutePath().normalize();
        Path candidate = WORK.resolve("candidate-300.yaml");
        java.nio.file.Files.writeString(candidate, java.nio.file.Files.readString(home.resolve("charters/example.yaml"))
                .replace("version: 1\n", "version: 9\n").replace("maxAmount: 500\n", "maxAmount: 300\n"));
        try (TopicProbe kafka = new TopicProbe(mesh.endpoints())) {
            String run = "replay-" + UUID.randomUUID().toString().substring(0, 8);
            String agent = "replay-bot-" + run;
            java.util.function.Consumer<String> propose = id -> kafka.send(Topics.ACTIONS.topic(), agent, ActionProposed.newBuilder()
                    .setEventId(UUID.randomUUID().toString()).setActionId(id).setAgentId(agent).setOccurredAt(java.time.Instant.now())
                    .setActionType("refund.issue").setAmount(350.0).setConfidence(0.95).build());
            for (int i = 0; i < 3; i++) {
                propose.accept(run + "-before-" + i);
            }
            kafka.<dev.orgos.schema.RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value().getActionId().startsWith(run + "-before-"),
                    l -> l.size() == 3, WAIT);
            java.time.Instant since = java.time.Instant.now();
            propose.accept(run + "-after-0");
            propose.accept(run + "-after-1");
            propose.accept(run + "-after-0"); // the same action again: the router decides it once
            kafka.<dev.orgos.schema.RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value().getActionId().startsWith(run + "-after-"),
                    l -> l.size() == 2, WAIT);

            Path report = WORK.resolve("replay-report.json");
            var out = new java.io.ByteArrayOutputStream();
            var previous = System.out;
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            int exit;
            try {
                exit = new picocli.CommandLine(new dev.orgos.cli.Orgos()).execute("charter", "replay", "--candidate", candidate.toString(),
                        "--since", since.toString(), "--examples", "50", "--report", report.toString(),
                        "--bootstrap", mesh.endpoints().kafkaBootstrap(), "--registry", mesh.endpoints().registryUrl());
            } finally {
                System.setOut(previous);
            }
            String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            System.out.println(printed);
            assertEquals(0, exit, printed);
            assertTrue(printed.contains("1 resubmitted action(s) were counted once"), printed);
            JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile());
            assertEquals(since.toString(), json.get("since").asText());
            List<String> stricter = new ArrayList<>();
            for (JsonNode pathway : json.get("pathways")) {
                for (JsonNode example : pathway.get("examples")) {
                    String text = example.get("example").asText();
                    if (text.startsWith(run) && example.get("direction").asText().equals("AUTONOMOUS -> ESCALATE (stricter)")) {
                        stricter.add(text.substring(0, text.indexOf(' ')));
                    }
                }
            }
            java.util.Collections.sort(stricter);
            assertEquals(List.of(run + "-after-0", run + "-after-1"), stricter, "only the refunds recorded since " + since + ", each once");
        }
    }
}
