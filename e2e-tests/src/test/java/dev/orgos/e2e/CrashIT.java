package dev.orgos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.cli.mesh.Mesh;
import dev.orgos.cli.mesh.Service;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.FactType;
import dev.orgos.schema.LedgerEntry;
import dev.orgos.schema.RoutingDecision;
import dev.orgos.schema.Topics;
import dev.orgos.testing.TopicProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crashes, as in production: services killed with SIGKILL at the worst moments and started
 * again, then everything counted. Nothing may be lost, nothing doubled.
 */
class CrashIT {

    /** Where this test's mesh keeps its data and logs. */
    static final Path WORK = Path.of("target/e2e-crash");

    @org.junit.jupiter.api.extension.RegisterExtension
    static final MeshLogsOnFailure LOGS = new MeshLogsOnFailure(WORK);

    static final int ACTIONS = 3000;
    static final Duration WAIT = Duration.ofSeconds(120);
    static Mesh mesh;

    @BeforeAll
    static void start() {
        Path home = Path.of(System.getProperty("orgos.home", "..")).toAbsolutePath().normalize();
        mesh = Mesh.start(home, WORK, false, Map.of(), line -> System.out.println("[crash] " + line));
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    /** Actions keyed by agent id, as the gateway sends them; 300 agents stay within their refund budgets. */
    static List<Map.Entry<String, ActionProposed>> actions(String run, int from, int to) {
        List<Map.Entry<String, ActionProposed>> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String agent = "crash-bot-" + (i % 300);
            out.add(Map.entry(agent, ActionProposed.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setActionId(run + "-" + i).setAgentId(agent).setOccurredAt(Instant.now())
                    .setActionType("refund.issue").setAmount(10.0).setConfidence(0.95).build()));
        }
        return out;
    }

    /**
     * What ./orgos up does for a service that dies: its keeper starts it again, on its port, as an
     * orchestrator would, and says so; the service then takes actions as before.
     */
    @Test
    void aKilledServiceIsStartedAgainByTheKeeper() throws Exception {
        List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var keeper = mesh.keep(line -> {
            said.add(line);
            System.out.println("[crash] [keeper] " + line);
        })) {
            long before = mesh.process(Service.COORDINATION_ROUTER).pid();
            mesh.kill(Service.COORDINATION_ROUTER);
            Awaitility.await().atMost(WAIT).until(() -> said.stream().anyMatch(l -> l.startsWith("coordination-router is ready again")));
            assertTrue(said.stream().anyMatch(l -> l.startsWith("coordination-router is not alive: its process ended (exit code 137)")),
                    String.join("\n", said));
            assertNotEquals(before, mesh.process(Service.COORDINATION_ROUTER).pid());
            try (TopicProbe kafka = new TopicProbe(mesh.endpoints())) {
                String run = "kept-" + UUID.randomUUID().toString().substring(0, 8);
                kafka.sendAll(Topics.ACTIONS.topic(), actions(run, 0, 10));
                kafka.<RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value().getActionId().startsWith(run), l -> l.size() >= 10, WAIT);
            }
        }
    }

    /**
     * The router is killed in the middle of a stream and started again: afterwards every action
     * has exactly one decision, and the ledger exactly one decision fact for each.
     */
    @Test
    void everyActionIsDecidedExactlyOnceAcrossAKill() throws Exception {
        try (TopicProbe kafka = new TopicProbe(mesh.endpoints())) {
            String run = "crash-" + UUID.randomUUID().toString().substring(0, 8);
            kafka.sendAll(Topics.ACTIONS.topic(), actions(run, 0, ACTIONS / 2));
            kafka.<RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value().getActionId().startsWith(run),
                    l -> l.size() >= 200, WAIT);

            mesh.kill(Service.COORDINATION_ROUTER); // mid-stream: part of the first half is still undecided
            kafka.sendAll(Topics.ACTIONS.topic(), actions(run, ACTIONS / 2, ACTIONS));
            mesh.restart(Service.COORDINATION_ROUTER);

            kafka.<RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value().getActionId().startsWith(run),
                    l -> l.stream().map(r -> r.value().getActionId()).distinct().count() == ACTIONS, WAIT);
            var decisions = kafka.<RoutingDecision>readAll(Topics.DECISIONS.topic(), r -> r.value().getActionId().startsWith(run));
            assertEquals(ACTIONS, decisions.size(), "decisions: a duplicate would make this larger");
            assertEquals(ACTIONS, decisions.stream().map(r -> r.value().getActionId()).distinct().count());

            kafka.<LedgerEntry>await(Topics.LEDGER.topic(), r -> isDecisionOf(r.value(), run), l -> l.size() >= ACTIONS, WAIT);
            var sealed = kafka.<LedgerEntry>readAll(Topics.LEDGER.topic(), r -> isDecisionOf(r.value(), run));
            assertEquals(ACTIONS, sealed.size(), "ledger decision facts: a duplicate would make this larger");
            assertEquals(ACTIONS, sealed.stream().map(r -> r.value().getActionId()).distinct().count());
        }
    }

    /**
     * The escalation service dies after committing a human's decision to PostgreSQL and before
     * publishing it: the decision waits in the outbox, and the next run publishes it, once.
     */
    @Test
    void aDecisionCommittedButNotPublishedBeforeACrashReachesTheAgentExactlyOnce() throws Exception {
        mesh.kill(Service.ESCALATION_SERVICE);
        mesh.restart(Service.ESCALATION_SERVICE, Map.of("orgos.escalation.outbox-relay-enabled", "false"));
        var worker = new dev.orgos.client.WorkerClient(java.net.URI.create(mesh.url(Service.EXECUTION_GATEWAY)),
                () -> dev.orgos.infra.DevTokens.agent("outbox-bot", Duration.ofMinutes(10)));
        var alice = new dev.orgos.cli.http.Api(mesh.url(Service.ESCALATION_SERVICE),
                dev.orgos.infra.DevTokens.human("alice", List.of("finance-ops"), Duration.ofMinutes(10)));
        String actionId = worker.submit(dev.orgos.client.Action.of("outbox-" + UUID.randomUUID(), "refund.issue").amount(900, "EUR").confidence(0.95));
        var task = org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
            for (var t : alice.get("/v1/escalations", Map.of())) {
                if (t.get("actionId").asText().equals(actionId)) {
                    return t;
                }
            }
            return null;
        }, t -> t != null);
        alice.post("/v1/escalations/" + task.get("id").asText() + "/approve", Map.of("reason", "fine"));
        var db = mesh.endpoints();
        try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl("orgos_escalation"), db.pgUser(), db.pgPassword());
             var rs = c.createStatement().executeQuery("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND record_key = '" + actionId + "'")) {
            rs.next();
            org.junit.jupiter.api.Assertions.assertTrue(rs.getInt(1) >= 4, "the decision and its events wait in the outbox");
        }
        mesh.kill(Service.ESCALATION_SERVICE); // the crash: committed, never published
        mesh.restart(Service.ESCALATION_SERVICE);

        assertEquals("APPROVED", worker.awaitFinal(actionId, WAIT).status());
        TopicProbe kafka = new TopicProbe(mesh.endpoints());
        kafka.<LedgerEntry>await(Topics.LEDGER.topic(), r -> actionId.equals(r.value().getActionId())
                && r.value().getFactType() == FactType.VERDICT_ISSUED, l -> !l.isEmpty(), WAIT);
        var verdicts = kafka.<dev.orgos.schema.Verdict>readAll(Topics.VERDICTS.topic(),
                r -> r.value().getActionId().equals(actionId) && r.value().getStatus() == dev.orgos.schema.VerdictStatus.APPROVED);
        assertEquals(1, verdicts.size(), "exactly one approval verdict");
        var resolved = kafka.<LedgerEntry>readAll(Topics.LEDGER.topic(), r -> actionId.equals(r.value().getActionId())
                && r.value().getFactType() == FactType.ESCALATION_RESOLVED);
        assertEquals(1, resolved.size(), "exactly one resolution in the ledger");
    }

    private static boolean isDecisionOf(LedgerEntry e, String run) {
        return e.getFactType() == FactType.ACTION_DECIDED && e.getActionId() != null && e.getActionId().startsWith(run);
    }
}
