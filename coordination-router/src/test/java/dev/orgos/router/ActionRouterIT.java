package dev.orgos.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.DeadLetter;
import dev.orgos.schema.DecisionOutcome;
import dev.orgos.schema.EscalationRaised;
import dev.orgos.schema.RoutingDecision;
import dev.orgos.schema.Topics;
import dev.orgos.schema.Verdict;
import dev.orgos.schema.VerdictStatus;
import dev.orgos.testing.OrgosInfrastructure;
import dev.orgos.testing.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The router against a real broker and registry, with the example charter. */
@QuarkusTest
@QuarkusTestResource(OrgosInfrastructure.class)
class ActionRouterIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    final TopicProbe kafka = new TopicProbe(OrgosInfrastructure.endpoints(null));

    @AfterEach
    void closeProbe() {
        kafka.close();
    }

    static ActionProposed refund(String actionId, double amount) {
        return ActionProposed.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setActionId(actionId)
                .setAgentId("refund-bot")
                .setOccurredAt(Instant.now())
                .setActionType("refund.issue")
                .setAmount(amount)
                .setCurrency("EUR")
                .setConfidence(0.97)
                .setParameters(Map.of("orderId", "o-1"))
                .build();
    }

    @Test
    void inBoundsRefundIsDecidedAutonomouslyOnceWithAFact() {
        String id = "act-" + UUID.randomUUID();
        kafka.send(Topics.ACTIONS.topic(), "refund-bot", refund(id, 120));

        ConsumerRecord<String, RoutingDecision> decision = kafka.<RoutingDecision>await(Topics.DECISIONS.topic(),
                r -> r.value().getActionId().equals(id), l -> !l.isEmpty(), WAIT).get(0);
        assertEquals(DecisionOutcome.AUTONOMOUS, decision.value().getOutcome());
        assertEquals("refunds", decision.value().getPathwayId());
        assertEquals("finance-ops", decision.value().getAnchor().getRole());
        assertEquals(1L, decision.value().getCharterVersion());
        assertEquals(id, decision.key());

        Verdict verdict = kafka.<Verdict>await(Topics.VERDICTS.topic(), r -> r.value().getActionId().equals(id),
                l -> !l.isEmpty(), WAIT).get(0).value();
        assertEquals(VerdictStatus.AUTONOMOUS, verdict.getStatus());

        AccountabilityFact fact = kafka.<AccountabilityFact>await(Topics.FACTS.topic(),
                r -> id.equals(r.value().getActionId()), l -> !l.isEmpty(), WAIT).get(0).value();
        assertEquals("finance-ops", fact.getAnchor().getRole());
        assertEquals("AUTONOMOUS", fact.getDetails().get("outcome"));
    }

    @Test
    void refundAboveTheLimitBecomesAnEscalationRequestWithTheFiredRule() {
        String id = "act-" + UUID.randomUUID();
        kafka.send(Topics.ACTIONS.topic(), "refund-bot", refund(id, 2400));

        EscalationRaised raised = kafka.<EscalationRaised>await(Topics.ESCALATION_REQUESTS.topic(),
                r -> r.value().getActionId().equals(id), l -> !l.isEmpty(), WAIT).get(0).value();
        assertEquals("finance-ops", raised.getAnchor().getRole());
        assertEquals("refunds.limits.maxAmount", raised.getFiredRules().get(0).getRuleId());
        assertEquals(2400.0, raised.getAction().getAmount());
        assertTrue(raised.getReason().contains("amount 2400 exceeds the limit of"), raised.getReason());
    }

    @Test
    void anAgentsAutonomousRefundsUseItsHourlyBudgetAndTheNextOneEscalates() {
        String agent = "budget-bot-" + UUID.randomUUID();
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 21; i++) { // the example charter: 20 autonomous refunds an hour per agent, 2,000 in all
            String id = "act-" + UUID.randomUUID();
            ids.add(id);
            kafka.send(Topics.ACTIONS.topic(), agent, ActionProposed.newBuilder(refund(id, 100)).setAgentId(agent).build());
        }
        var decisions = kafka.<RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value() != null && agent.equals(r.value().getAgentId()),
                l -> l.size() == 21, WAIT);
        // decisions are keyed by action id, so they are spread over partitions; the agent's actions were decided in order
        Map<String, RoutingDecision> byId = decisions.stream().collect(java.util.stream.Collectors.toMap(r -> r.key(), r -> r.value()));
        assertTrue(ids.subList(0, 20).stream().allMatch(id -> byId.get(id).getOutcome() == DecisionOutcome.AUTONOMOUS));
        RoutingDecision over = byId.get(ids.get(20));
        assertEquals(DecisionOutcome.ESCALATE, over.getOutcome());
        assertEquals("refunds.budgets.hourly", over.getFiredRules().get(0).getRuleId());

        // each autonomous refund's charge is in the state deltas, from which a partition's next owner restores the
        // budget; they were committed in the decisions' transactions, so all of them are on the topic by now
        var charges = kafka.<dev.orgos.schema.RouterStateDelta>readAll(Topics.ROUTER_STATE.topic(), r -> r.value() != null).stream()
                .flatMap(r -> r.value().getBudgetCharges().stream()).filter(c -> c.getKey().startsWith(agent + "|")).toList();
        assertEquals(20, charges.size(), "the escalated refund charged nothing");
        assertTrue(charges.stream().allMatch(c -> c.getKey().equals(agent + "|refunds|hourly") && c.getAmount() == 100.0), charges.toString());
    }

    /**
     * A Kafka-native worker that dates each action two hours before the last, so that each falls in
     * an hour of its own: the budget still counts them together, at the broker's time.
     */
    @Test
    void aWorkerCannotSpreadItsActionsOverBudgetWindowsByDatingThem() {
        String agent = "dating-bot-" + UUID.randomUUID();
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 21; i++) {
            String id = "act-" + UUID.randomUUID();
            ids.add(id);
            kafka.sendAt(Topics.ACTIONS.topic(), agent, ActionProposed.newBuilder(refund(id, 100)).setAgentId(agent).build(),
                    Instant.now().minus(Duration.ofHours(2L * (21 - i))));
        }
        var decisions = kafka.<RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value() != null && agent.equals(r.value().getAgentId()),
                l -> l.size() == 21, WAIT);
        Map<String, RoutingDecision> byId = decisions.stream().collect(java.util.stream.Collectors.toMap(r -> r.key(), r -> r.value()));
        assertEquals(DecisionOutcome.ESCALATE, byId.get(ids.get(20)).getOutcome(), "the 21st refund within the hour");
    }

    @Test
    void aResubmittedActionGetsNoSecondDecision() {
        String id = "act-" + UUID.randomUUID();
        kafka.send(Topics.ACTIONS.topic(), "resubmit-bot", refund(id, 30));
        kafka.send(Topics.ACTIONS.topic(), "resubmit-bot", refund(id, 30));
        String marker = "act-" + UUID.randomUUID();
        kafka.send(Topics.ACTIONS.topic(), "resubmit-bot", refund(marker, 30)); // same agent, same partition, after both
        var decisions = kafka.<RoutingDecision>await(Topics.DECISIONS.topic(),
                r -> r.value() != null && (r.value().getActionId().equals(id) || r.value().getActionId().equals(marker)),
                l -> l.stream().anyMatch(r -> r.value().getActionId().equals(marker)), WAIT);
        assertEquals(1, decisions.stream().filter(r -> r.value().getActionId().equals(id)).count());

        // the operator sees what the remembered ids cost
        String metrics = get(metricsUrl);
        assertTrue(gauge(metrics, "orgos_router_remembered_actions") >= 2, metrics);
        assertTrue(gauge(metrics, "orgos_router_remembered_actions_bytes") > 0, metrics);
        // and the transactional producer's own metrics, under its client id
        assertTrue(metrics.contains("kafka_producer_record_send_total{client_id=\"orgos-router-transactions\""),
                "the routing producer's Kafka client metrics");
    }

    @io.quarkus.test.common.http.TestHTTPResource("/q/metrics")
    java.net.URI metricsUrl;

    static String get(java.net.URI uri) {
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            return client.send(java.net.http.HttpRequest.newBuilder(uri).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @io.quarkus.test.common.http.TestHTTPResource("/q/health/live")
    java.net.URI liveUrl;

    /** Liveness names the routing transactions, UP while they go through (a stuck one makes it DOWN: TransactionWatchTest). */
    @Test
    void livenessSaysHowLongTheRoutingTransactionInProgressHasTaken() throws Exception {
        String id = "act-" + UUID.randomUUID();
        kafka.send(Topics.ACTIONS.topic(), "refund-bot", refund(id, 15));
        kafka.<RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value().getActionId().equals(id), l -> !l.isEmpty(), WAIT);

        var live = new com.fasterxml.jackson.databind.ObjectMapper().readTree(get(liveUrl));
        var check = java.util.stream.StreamSupport.stream(live.path("checks").spliterator(), false)
                .filter(c -> c.path("name").asText().equals("Routing transactions")).findFirst()
                .orElseThrow(() -> new AssertionError("no routing transactions check in " + live));
        assertEquals("UP", check.path("status").asText(), live.toString());
        assertTrue(check.path("data").path("inProgressSeconds").isNumber(), check.toString());
        assertTrue(check.path("data").path("inProgressSeconds").asLong() < 30, "no transaction is stuck: " + check);
    }

    static double gauge(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElseThrow(() -> new AssertionError(name + " missing"));
    }

    @Test
    void aNewCharterVersionAppliesFromItsActivationMarkerOn() throws Exception {
        String before = "act-" + UUID.randomUUID();
        kafka.send(Topics.ACTIONS.topic(), "charter-bot", refund(before, 550));
        kafka.<RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value().getActionId().equals(before), l -> !l.isEmpty(), WAIT);

        // version 2 raises the refund limit from 500 to 600; every partition switches at its marker
        String v2 = java.nio.file.Files.readString(java.nio.file.Path.of("../charters/example.yaml"))
                .replace("version: 1", "version: 2").replace("maxAmount: 500", "maxAmount: 600");
        var endpoints = OrgosInfrastructure.endpoints(null);
        var published = dev.orgos.infra.CharterPublisher.publish(endpoints.kafkaBootstrap(), endpoints.registryApiUrl(), "v2.yaml", v2, "carol");
        assertEquals(7, published.partitionsMarked() + 1);

        String after = "act-" + UUID.randomUUID();
        kafka.send(Topics.ACTIONS.topic(), "charter-bot", refund(after, 550));
        var decisions = kafka.<RoutingDecision>await(Topics.DECISIONS.topic(),
                r -> r.value().getActionId().equals(before) || r.value().getActionId().equals(after), l -> l.size() == 2, WAIT);
        RoutingDecision first = decisions.stream().filter(r -> r.value().getActionId().equals(before)).findFirst().orElseThrow().value();
        RoutingDecision second = decisions.stream().filter(r -> r.value().getActionId().equals(after)).findFirst().orElseThrow().value();
        assertEquals(DecisionOutcome.ESCALATE, first.getOutcome());
        assertEquals(1L, first.getCharterVersion());
        assertEquals(DecisionOutcome.AUTONOMOUS, second.getOutcome());
        assertEquals(2L, second.getCharterVersion());
        assertEquals(published.charter().digest(), second.getCharterDigest());

        AccountabilityFact activation = kafka.<AccountabilityFact>await(Topics.FACTS.topic(),
                r -> r.value().getFactType() == dev.orgos.schema.FactType.CHARTER_ACTIVATED && Long.valueOf(2).equals(r.value().getCharterVersion()),
                l -> !l.isEmpty(), WAIT).get(0).value();
        assertEquals("carol", activation.getAnchor().getPerson());

        // an older version can no longer be put in force
        var refused = org.junit.jupiter.api.Assertions.assertThrows(dev.orgos.infra.CharterPublisher.Refused.class, () ->
                dev.orgos.infra.CharterPublisher.publish(endpoints.kafkaBootstrap(), endpoints.registryApiUrl(), "v1b.yaml",
                        v2.replace("version: 2", "version: 1"), "mallory"));
        assertTrue(refused.getMessage().contains("already published with another content") || refused.getMessage().contains("not newer"),
                refused.getMessage());
    }

    @jakarta.inject.Inject
    dev.orgos.router.charter.RouterConfig config;

    /**
     * A twin with the router's transactional id (a zombie instance, an operator's mistake) fences
     * the router's producer. The batch that meets the fence fails; it must be decided again with a
     * new producer, once, and the router must go on routing: before, the failed batch ended the
     * channel and the router quietly left its consumer group for good.
     */
    @Test
    void aFencedTransactionIsDecidedAgainOnceAndTheRouterGoesOn() {
        String warm = "act-" + UUID.randomUUID();
        kafka.send(Topics.ACTIONS.topic(), "fenced-bot", refund(warm, 20)); // the router's producer exists now
        kafka.<RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value().getActionId().equals(warm), l -> !l.isEmpty(), WAIT);
        double rewoundBefore = rewound(get(metricsUrl));

        var twin = new java.util.Properties();
        twin.put("bootstrap.servers", OrgosInfrastructure.endpoints(null).kafkaBootstrap());
        twin.put("transactional.id", config.transactionalId());
        twin.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        twin.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        try (var zombie = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(twin)) {
            zombie.initTransactions(); // bumps the epoch: the router's producer is fenced from now on
        }

        String fenced = "act-" + UUID.randomUUID();
        String after = "act-" + UUID.randomUUID();
        kafka.send(Topics.ACTIONS.topic(), "fenced-bot", refund(fenced, 30));
        kafka.send(Topics.ACTIONS.topic(), "fenced-bot", refund(after, 40)); // same partition, after it
        var decisions = kafka.<RoutingDecision>await(Topics.DECISIONS.topic(),
                r -> r.value().getActionId().equals(fenced) || r.value().getActionId().equals(after),
                l -> l.stream().anyMatch(r -> r.value().getActionId().equals(after)), WAIT);
        assertEquals(1, decisions.stream().filter(r -> r.value().getActionId().equals(fenced)).count(),
                "decided once: the fenced transaction wrote nothing");
        assertEquals(1, decisions.stream().filter(r -> r.value().getActionId().equals(after)).count());
        assertTrue(rewound(get(metricsUrl)) > rewoundBefore, "the fenced batch was rewound and taken again");
    }

    @jakarta.inject.Inject
    dev.orgos.router.routing.RoutingTransactions transactions;

    /** What a batch read before a rebalance would write (here: an action) never reaches the broker. */
    @Test
    void aBatchReadInAnEarlierGroupGenerationWritesNothing() {
        String ghost = "act-" + UUID.randomUUID();
        var outputs = new dev.orgos.router.routing.RoutingTransactions.Outputs();
        outputs.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.ACTIONS.topic(), "ghost-bot", refund(ghost, 10)));
        var refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> transactions.commit(outputs, Map.of(), -7).await().atMost(WAIT));
        assertTrue(refused.getMessage().contains("rebalanced since the batch was read (generation -7"), refused.getMessage());

        String marker = "act-" + UUID.randomUUID();
        kafka.send(Topics.ACTIONS.topic(), "ghost-bot", refund(marker, 10)); // same partition as the ghost would be
        var decided = kafka.<RoutingDecision>await(Topics.DECISIONS.topic(),
                r -> r.value().getActionId().equals(marker) || r.value().getActionId().equals(ghost),
                l -> l.stream().anyMatch(r -> r.value().getActionId().equals(marker)), WAIT);
        assertTrue(decided.stream().noneMatch(r -> r.value().getActionId().equals(ghost)), "the refused transaction wrote nothing");
    }

    static double rewound(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("orgos_batches_rewound_total{") && l.contains("channel=\"actions\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void poisonRecordGoesToTheDeadLetterTopicAndTheStreamGoesOn() {
        String poisonKey = "poison-" + UUID.randomUUID();
        kafka.sendRaw(Topics.ACTIONS.topic(), poisonKey, "{not avro".getBytes(StandardCharsets.UTF_8));
        String id = "act-" + UUID.randomUUID();
        kafka.send(Topics.ACTIONS.topic(), "refund-bot", refund(id, 10));

        DeadLetter letter = kafka.<DeadLetter>await(Topics.DEAD_LETTERS.topic(), r -> poisonKey.equals(r.key()),
                l -> !l.isEmpty(), WAIT).get(0).value();
        assertEquals(Topics.ACTIONS.topic(), letter.getSourceTopic());
        assertTrue(letter.getReason().contains("could not be read"), letter.getReason());
        kafka.<RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value().getActionId().equals(id), l -> !l.isEmpty(), WAIT);
    }

    /** A record of another contract on the actions topic (a Verdict, as a misconfigured producer writes it) is poison too. */
    @Test
    void aRecordOfAnotherContractIsDeadLetteredAndTheStreamGoesOn() {
        String wrongKey = "wrong-" + UUID.randomUUID();
        kafka.sendAs(Topics.ACTIONS.topic(), wrongKey, Verdict.newBuilder().setEventId(UUID.randomUUID().toString())
                .setActionId(wrongKey).setAgentId("refund-bot").setOccurredAt(Instant.now()).setStatus(VerdictStatus.APPROVED)
                .setAnchor(dev.orgos.schema.AnchorRef.newBuilder().setRole("finance-ops").build()).setDecidedBy(java.util.List.of("x"))
                .setReason("not an action").setCharterVersion(1).build(), Topics.VERDICTS.topic());
        String id = "act-" + UUID.randomUUID();
        kafka.send(Topics.ACTIONS.topic(), "refund-bot", refund(id, 10));

        DeadLetter letter = kafka.<DeadLetter>await(Topics.DEAD_LETTERS.topic(), r -> wrongKey.equals(r.key()),
                l -> !l.isEmpty(), WAIT).get(0).value();
        assertTrue(letter.getReason().contains("Verdict, not an ActionProposed"), letter.getReason());
        kafka.<RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value().getActionId().equals(id), l -> !l.isEmpty(), WAIT);
    }

    @Test
    void anActionTooLargeToCarryIsDeadLetteredAndTheStreamGoesOn() {
        String large = "act-" + UUID.randomUUID();
        ActionProposed bulky = refund(large, 10);
        bulky.setParameters(Map.of("orderId", "o-1", "notes", "x".repeat(300_000)));
        kafka.send(Topics.ACTIONS.topic(), "refund-bot", bulky);
        String id = "act-" + UUID.randomUUID();
        kafka.send(Topics.ACTIONS.topic(), "refund-bot", refund(id, 10));

        DeadLetter letter = kafka.<DeadLetter>await(Topics.DEAD_LETTERS.topic(), r -> "refund-bot".equals(r.key())
                && r.value().getReason().contains("more than the 262,144 an action may"), l -> !l.isEmpty(), WAIT).get(0).value();
        assertTrue(letter.getReason().startsWith("the action takes 300,") && letter.getReason().contains("with its key and headers"),
                letter.getReason());
        kafka.<RoutingDecision>await(Topics.DECISIONS.topic(), r -> r.value().getActionId().equals(id), l -> !l.isEmpty(), WAIT);
        assertTrue(kafka.<RoutingDecision>readAll(Topics.DECISIONS.topic(), r -> r.value().getActionId().equals(large)).isEmpty(),
                "the large one is not decided");
    }

    @Test
    void actionThatBreaksTheContractIsDeadLetteredNamingTheField() {
        String id = "act-" + UUID.randomUUID();
        ActionProposed bad = refund(id, 10);
        bad.setConfidence(7.0);
        kafka.send(Topics.ACTIONS.topic(), "refund-bot", bad);
        DeadLetter letter = kafka.<DeadLetter>await(Topics.DEAD_LETTERS.topic(), r -> "refund-bot".equals(r.key())
                && r.value().getReason().contains("confidence"), l -> !l.isEmpty(), WAIT).get(0).value();
        assertTrue(letter.getReason().contains("field 'confidence' must be between 0 and 1"), letter.getReason());
    }
}
