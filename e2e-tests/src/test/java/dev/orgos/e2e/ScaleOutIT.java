package dev.orgos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.cli.mesh.Mesh;
import dev.orgos.cli.mesh.Service;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.DecisionOutcome;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scale comes from Kafka's partitions and consumer groups, and this proves it on one machine:
 * three routers and two escalation services share a six-partition actions topic; one router is
 * killed with SIGKILL in the middle of a stream; every action is still decided exactly once,
 * the ledger holds each fact once, and the two surviving routers own all six partitions.
 */
class ScaleOutIT {

    /** Where this test's mesh keeps its data and logs. */
    static final Path WORK = Path.of("target/e2e-scale");

    @org.junit.jupiter.api.extension.RegisterExtension
    static final MeshLogsOnFailure LOGS = new MeshLogsOnFailure(WORK);

    static final int ACTIONS = 4000;
    /** Every tenth refund is over the autonomy limit (500) and goes to a human. */
    static final int ESCALATED = ACTIONS / 10;
    static final Duration WAIT = Duration.ofSeconds(180);
    static final String ROUTERS = "orgos-router";
    static final String ESCALATIONS = "orgos-escalation";

    static Mesh mesh;
    static Admin admin;
    static List<Mesh.Replica> extraRouters = new ArrayList<>();

    @BeforeAll
    static void start() {
        Path home = Path.of(System.getProperty("orgos.home", "..")).toAbsolutePath().normalize();
        // The broker declares a killed member dead after its session timeout: 10 s here instead
        // of the default 45 s, only so the test does not idle; the takeover itself is the same.
        mesh = Mesh.start(home, WORK, false,
                Map.of("kafka.session.timeout.ms", "10000", "kafka.heartbeat.interval.ms", "2000"),
                line -> System.out.println("[scale] " + line));
        extraRouters.add(mesh.startReplica(Service.COORDINATION_ROUTER));
        extraRouters.add(mesh.startReplica(Service.COORDINATION_ROUTER));
        mesh.startReplica(Service.ESCALATION_SERVICE);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, mesh.endpoints().kafkaBootstrap()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void threeRoutersShareTheWorkAndTheSurvivorsTakeOverFromAKilledOneWithoutLosingOrDoublingAnything() throws Exception {
        // all members have joined: 3 routers over 6 partitions, 2 escalation services
        Awaitility.await("three routers own all six actions partitions").atMost(WAIT)
                .until(() -> assignment(ROUTERS), a -> a.size() == 3 && covers(a, Topics.ACTIONS.defaultPartitions()));
        Awaitility.await("two escalation services share the escalation requests").atMost(WAIT)
                .until(() -> assignment(ESCALATIONS), a -> a.size() == 2 && covers(a, Topics.ESCALATION_REQUESTS.defaultPartitions()));
        Map<String, Set<Integer>> before = assignment(ROUTERS);
        System.out.println("[scale] routers before the kill: " + before);

        try (TopicProbe kafka = new TopicProbe(mesh.endpoints())) {
            String run = "scale-" + UUID.randomUUID().toString().substring(0, 8);
            kafka.sendAll(Topics.ACTIONS.topic(), actions(run, 0, ACTIONS / 2));
            kafka.<RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value().getActionId().startsWith(run),
                    l -> l.size() >= 300, WAIT);

            Mesh.Replica victim = extraRouters.get(0);
            victim.kill(); // mid-stream: it owns two partitions and some of their actions are undecided
            System.out.println("[scale] killed " + victim.name() + " (SIGKILL)");
            kafka.sendAll(Topics.ACTIONS.topic(), actions(run, ACTIONS / 2, ACTIONS));

            kafka.<RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value().getActionId().startsWith(run),
                    l -> l.stream().map(r -> r.value().getActionId()).distinct().count() == ACTIONS, WAIT);
            var decisions = kafka.<RoutingDecision>readAll(Topics.DECISIONS.topic(), r -> r.value().getActionId().startsWith(run));
            assertEquals(ACTIONS, decisions.size(), "decisions: a duplicate would make this larger");
            assertEquals(ACTIONS, decisions.stream().map(r -> r.value().getActionId()).distinct().count());
            assertEquals(ESCALATED, decisions.stream().filter(r -> r.value().getOutcome() == DecisionOutcome.ESCALATE).count(),
                    "every over-limit refund escalated, and nothing else");

            // the ledger: one decision fact per action, one assignment per escalated action
            kafka.<LedgerEntry>await(Topics.LEDGER.topic(), r -> ofRun(r.value(), run, FactType.ESCALATION_ASSIGNED),
                    l -> l.size() >= ESCALATED, WAIT);
            var sealedDecisions = kafka.<LedgerEntry>readAll(Topics.LEDGER.topic(), r -> ofRun(r.value(), run, FactType.ACTION_DECIDED));
            assertEquals(ACTIONS, sealedDecisions.size(), "ledger decision facts: a duplicate would make this larger");
            assertEquals(ACTIONS, sealedDecisions.stream().map(r -> r.value().getActionId()).distinct().count());
            var assigned = kafka.<LedgerEntry>readAll(Topics.LEDGER.topic(), r -> ofRun(r.value(), run, FactType.ESCALATION_ASSIGNED));
            assertEquals(ESCALATED, assigned.size(), "one escalation per escalated action, though two services read the requests");
            assertEquals(ESCALATED, assigned.stream().map(r -> r.value().getActionId()).distinct().count());

            // the survivors took over the killed router's partitions
            Map<String, Set<Integer>> after = Awaitility.await("two routers own all six partitions").atMost(WAIT)
                    .until(() -> assignment(ROUTERS), a -> a.size() == 2 && covers(a, Topics.ACTIONS.defaultPartitions()));
            System.out.println("[scale] routers after the kill: " + after);
            assertTrue(before.keySet().containsAll(after.keySet()), "the survivors are members from before the kill, no newcomer");
        }
    }

    /** Refunds keyed by agent id, as the gateway sends them; 400 agents stay within their hourly budgets. */
    static List<Map.Entry<String, ActionProposed>> actions(String run, int from, int to) {
        List<Map.Entry<String, ActionProposed>> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String agent = "scale-bot-" + (i % 400);
            out.add(Map.entry(agent, ActionProposed.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setActionId(run + "-" + i).setAgentId(agent).setOccurredAt(Instant.now())
                    .setActionType("refund.issue").setAmount(i % 10 == 0 ? 900.0 : 10.0).setConfidence(0.95).build()));
        }
        return out;
    }

    /** Member (client id and host) to its actions partitions, for a stable group. */
    static Map<String, Set<Integer>> assignment(String group) throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        return d.members().stream().collect(Collectors.toMap(m -> m.consumerId() + "@" + m.host(),
                ScaleOutIT::partitions, (a, b) -> a));
    }

    private static Set<Integer> partitions(MemberDescription m) {
        return m.assignment().topicPartitions().stream().map(tp -> tp.partition()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static boolean covers(Map<String, Set<Integer>> assignment, int partitions) {
        Set<Integer> all = new TreeSet<>();
        assignment.values().forEach(all::addAll);
        return all.size() == partitions && assignment.values().stream().noneMatch(Set::isEmpty);
    }

    private static boolean ofRun(LedgerEntry e, String run, FactType type) {
        return e.getFactType() == type && e.getActionId() != null && e.getActionId().startsWith(run);
    }
}
