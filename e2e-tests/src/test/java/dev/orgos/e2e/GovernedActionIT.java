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

    static final Duration WAIT = Duration.ofSeconds(60);
    static Mesh mesh;
    static WorkerClient worker;
    static Api alice;
    static Api auditor;

    @BeforeAll
    static void startTheWholeMesh() {
        Path home = Path.of(System.getProperty("orgos.home", "..")).toAbsolutePath().normalize();
        mesh = Mesh.start(home, Path.of("target/e2e"), false, Map.of(),
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
        String small = worker.submit(Action.of("e2e-small-" + UUID.randomUUID(), "refund.issue").amount(120, "EUR").confidence(0.95));
        ActionState autonomous = worker.awaitFinal(small, WAIT);
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
        String replica = mesh.startReplica(Service.EXECUTION_GATEWAY);
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
}
