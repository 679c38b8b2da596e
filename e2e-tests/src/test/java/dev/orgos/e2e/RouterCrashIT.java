package dev.orgos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The router is killed (SIGKILL) in the middle of a stream and started again: afterwards every
 * action has exactly one decision, and the ledger holds exactly one decision fact for each.
 */
class RouterCrashIT {

    static final int ACTIONS = 3000;
    static final Duration WAIT = Duration.ofSeconds(120);
    static Mesh mesh;

    @BeforeAll
    static void start() {
        Path home = Path.of(System.getProperty("orgos.home", "..")).toAbsolutePath().normalize();
        mesh = Mesh.start(home, Path.of("target/e2e-crash"), false, Map.of(), line -> System.out.println("[crash] " + line));
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

    @Test
    void everyActionIsDecidedExactlyOnceAcrossAKill() throws Exception {
        TopicProbe kafka = new TopicProbe(mesh.endpoints());
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

    private static boolean isDecisionOf(LedgerEntry e, String run) {
        return e.getFactType() == FactType.ACTION_DECIDED && e.getActionId() != null && e.getActionId().startsWith(run);
    }
}
