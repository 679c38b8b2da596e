package dev.orgos.escalation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.infra.DevTokens;
import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.AnchorRef;
import dev.orgos.schema.EscalationRaised;
import dev.orgos.schema.FactType;
import dev.orgos.schema.FiredRule;
import dev.orgos.schema.Topics;
import dev.orgos.schema.Verdict;
import dev.orgos.schema.VerdictStatus;
import dev.orgos.testing.OrgosInfrastructure;
import dev.orgos.testing.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The escalation service against the real broker, registry and PostgreSQL. */
@QuarkusTest
@QuarkusTestResource(value = OrgosInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "orgos_escalation"))
class EscalationLifecycleIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    final TopicProbe kafka = new TopicProbe(OrgosInfrastructure.endpoints(null));

    @AfterEach
    void closeProbe() {
        kafka.close();
    }

    final String alice = DevTokens.human("alice", List.of("finance-ops"), Duration.ofMinutes(10));
    final String bob = DevTokens.human("bob", List.of("finance-ops"), Duration.ofMinutes(10));
    final String dave = DevTokens.human("dave", List.of("pricing"), Duration.ofMinutes(10));
    final String bot = DevTokens.agent("refund-bot", Duration.ofMinutes(10));

    public static EscalationRaised raised(String actionId, int approvals) {
        ActionProposed action = ActionProposed.newBuilder().setEventId(UUID.randomUUID().toString()).setActionId(actionId)
                .setAgentId("refund-bot").setOccurredAt(Instant.now()).setActionType("refund.issue").setAmount(2400.0)
                .setConfidence(0.97).build();
        return EscalationRaised.newBuilder().setEventId(UUID.randomUUID().toString()).setActionId(actionId)
                .setAgentId("refund-bot").setOccurredAt(Instant.now())
                .setAnchor(AnchorRef.newBuilder().setRole("finance-ops").build()).setPathwayId("refunds")
                .setRequiredApprovals(approvals).setAction(action)
                .setFiredRules(List.of(FiredRule.newBuilder().setRuleId("refunds.limits.maxAmount").setKind("LIMIT")
                        .setExplanation("amount 2400 exceeds the limit of 500").build()))
                .setReason("Outside the limits of pathway 'refunds'").setCharterVersion(1).setCharterDigest("sha256:test").build();
    }

    /** Waits until the task for this action is in alice's queue (once), and returns its id. */
    String awaitTask(String actionId) {
        String[] id = new String[1];
        Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            JsonPath queue = given().auth().oauth2(alice).get("/v1/escalations").then().statusCode(200).extract().jsonPath();
            List<String> ids = queue.getList("findAll { it.actionId == '" + actionId + "' }.id");
            assertEquals(1, ids.size(), "tasks for " + actionId);
            id[0] = ids.get(0);
        });
        return id[0];
    }

    @Test
    void escalationIsAssignedApprovedByAHumanAndTheVerdictAndFactsFollowOnce() {
        String actionId = "act-" + UUID.randomUUID();
        kafka.send(Topics.ESCALATION_REQUESTS.topic(), actionId, raised(actionId, 1));
        kafka.send(Topics.ESCALATION_REQUESTS.topic(), actionId, raised(actionId, 1)); // a redelivery
        String id = awaitTask(actionId);

        given().auth().oauth2(alice).get("/v1/escalations/" + id).then().statusCode(200)
                .body("status", equalTo("OPEN")).body("anchor", equalTo("finance-ops"))
                .body("assignee", notNullValue()).body("action.amount", equalTo(2400.0f))
                .body("firedRules[0].ruleId", equalTo("refunds.limits.maxAmount"))
                .body("history.kind", hasItem("ASSIGNED"));

        given().auth().oauth2(alice).contentType("application/json").body("{\"reason\":\"customer is right\"}")
                .post("/v1/escalations/" + id + "/approve").then().statusCode(200).body("status", equalTo("APPROVED"));

        Verdict verdict = kafka.<Verdict>await(Topics.VERDICTS.topic(),
                r -> r.value().getActionId().equals(actionId) && r.value().getStatus() == VerdictStatus.APPROVED,
                l -> !l.isEmpty(), WAIT).get(0).value();
        assertEquals(List.of("alice"), verdict.getDecidedBy());

        var facts = kafka.<AccountabilityFact>await(Topics.FACTS.topic(), r -> actionId.equals(r.value().getActionId()),
                l -> l.stream().anyMatch(r -> r.value().getFactType() == FactType.VERDICT_ISSUED), WAIT);
        List<FactType> types = facts.stream().map(r -> r.value().getFactType()).toList();
        assertEquals(List.of(FactType.ESCALATION_ASSIGNED, FactType.ESCALATION_RESOLVED, FactType.VERDICT_ISSUED), types);
        assertEquals("alice", facts.get(1).value().getAnchor().getPerson());
        // deciding twice is a conflict, not a second verdict
        given().auth().oauth2(bob).contentType("application/json").body("{\"reason\":\"no\"}")
                .post("/v1/escalations/" + id + "/reject").then().statusCode(409);
        // the relay that published them says it is alive, with how long its run in progress has taken
        given().get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'Outbox relay' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Outbox relay' }.data.runInProgressSeconds", lessThan(30));
    }

    @Test
    void everyoneWithoutAuthorityIsRefusedAndTheRefusalIsALedgerFact() {
        String actionId = "act-" + UUID.randomUUID();
        kafka.send(Topics.ESCALATION_REQUESTS.topic(), actionId, raised(actionId, 1));
        String id = awaitTask(actionId);

        given().auth().oauth2(bot).contentType("application/json").body("{}")
                .post("/v1/escalations/" + id + "/approve").then().statusCode(403)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("agents may never"));
        given().auth().oauth2(dave).contentType("application/json").body("{}")
                .post("/v1/escalations/" + id + "/approve").then().statusCode(403);
        given().contentType("application/json").body("{}").post("/v1/escalations/" + id + "/approve").then().statusCode(401);
        given().auth().oauth2(alice).contentType("application/json").body("{}")
                .post("/v1/escalations/" + id + "/reject").then().statusCode(400).body("errors[0].field", equalTo("reason"));
        given().auth().oauth2(dave).get("/v1/escalations").then().statusCode(200).body("actionId", org.hamcrest.Matchers.not(hasItem(actionId)));

        var refusals = kafka.<AccountabilityFact>await(Topics.FACTS.topic(),
                r -> actionId.equals(r.value().getActionId()) && r.value().getFactType() == FactType.AUTHORIZATION_REFUSED,
                l -> l.size() == 2, WAIT);
        assertEquals("refund-bot", refusals.get(0).value().getDetails().get("actor"));
        assertEquals("dave", refusals.get(1).value().getDetails().get("actor"));
        given().auth().oauth2(alice).get("/v1/escalations/" + id).then().body("status", equalTo("OPEN"));
    }

    @Test
    void theDecisionApiIsDescribedInOpenApi() {
        given().get("/q/openapi").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("/v1/escalations/{id}/approve"))
                .body(org.hamcrest.Matchers.containsString("/v1/escalations/{id}/reassign"));
    }

    /**
     * Alice approves while Bob rejects, at the same moment, on several tasks: one decision each,
     * and the other human told so as a problem detail. When both transactions ran at once, the
     * loser's version conflict left as a bare 500.
     */
    @Test
    void twoHumansDecidingAtOnceGetOneDecisionAndTheOtherAProblemDetail() throws Exception {
        List<String> tasks = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String actionId = "race-" + UUID.randomUUID();
            kafka.send(Topics.ESCALATION_REQUESTS.topic(), actionId, raised(actionId, 1));
            tasks.add(awaitTask(actionId));
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<io.restassured.response.Response>[]> answers = new java.util.ArrayList<>();
            for (String id : tasks) {
                @SuppressWarnings("unchecked")
                java.util.concurrent.Future<io.restassured.response.Response>[] pair = new java.util.concurrent.Future[] {
                        pool.submit(() -> {
                            start.await();
                            return given().auth().oauth2(alice).contentType("application/json").body("{}")
                                    .post("/v1/escalations/" + id + "/approve");
                        }),
                        pool.submit(() -> {
                            start.await();
                            return given().auth().oauth2(bob).contentType("application/json").body("{\"reason\":\"no\"}")
                                    .post("/v1/escalations/" + id + "/reject");
                        })};
                answers.add(pair);
            }
            start.countDown();
            for (var pair : answers) {
                var first = pair[0].get(30, java.util.concurrent.TimeUnit.SECONDS);
                var second = pair[1].get(30, java.util.concurrent.TimeUnit.SECONDS);
                List<Integer> statuses = java.util.stream.Stream.of(first.statusCode(), second.statusCode()).sorted().toList();
                assertEquals(List.of(200, 409), statuses, first.asString() + " / " + second.asString());
                var loser = first.statusCode() == 409 ? first : second;
                assertTrue(loser.contentType().startsWith("application/problem+json"), loser.contentType());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReasonLongerThanALedgerFactCarriesOrAnUnknownStatusIsAProblemNamingTheField() {
        String actionId = "long-" + UUID.randomUUID();
        kafka.send(Topics.ESCALATION_REQUESTS.topic(), actionId, raised(actionId, 1));
        String id = awaitTask(actionId);
        given().auth().oauth2(bob).contentType("application/json").body("{\"reason\":\"" + "\\u0001".repeat(4001) + "\"}")
                .post("/v1/escalations/" + id + "/reject").then().statusCode(400).body("errors[0].field", equalTo("reason"));
        given().auth().oauth2(alice).contentType("application/json").body("{\"reason\":\"" + "x".repeat(4001) + "\"}")
                .post("/v1/escalations/" + id + "/approve").then().statusCode(400).body("errors[0].field", equalTo("reason"));
        given().auth().oauth2(alice).get("/v1/escalations/" + id).then().statusCode(200).body("status", equalTo("OPEN"));
        given().auth().oauth2(alice).get("/v1/escalations?status=bogus").then().statusCode(400)
                .contentType(org.hamcrest.Matchers.startsWith("application/problem+json")).body("errors[0].field", equalTo("status"));
    }

    /** Records the intake cannot take (unreadable bytes, another contract) go to the dead-letter topic, and escalations go on. */
    @Test
    void poisonRequestsAreDeadLetteredAndTheNextEscalationIsOpened() {
        String unreadable = "poison-" + UUID.randomUUID();
        kafka.sendRaw(Topics.ESCALATION_REQUESTS.topic(), unreadable, "{not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String wrong = "wrong-" + UUID.randomUUID();
        kafka.sendAs(Topics.ESCALATION_REQUESTS.topic(), wrong, Verdict.newBuilder().setEventId(UUID.randomUUID().toString())
                .setActionId(wrong).setAgentId("refund-bot").setOccurredAt(Instant.now()).setStatus(VerdictStatus.APPROVED)
                .setAnchor(AnchorRef.newBuilder().setRole("finance-ops").build()).setDecidedBy(List.of("x")).setReason("not a request")
                .setCharterVersion(1).build(), Topics.VERDICTS.topic());
        String actionId = "act-" + UUID.randomUUID();
        kafka.send(Topics.ESCALATION_REQUESTS.topic(), actionId, raised(actionId, 1));
        awaitTask(actionId);
        var letters = kafka.<dev.orgos.schema.DeadLetter>await(Topics.DEAD_LETTERS.topic(),
                r -> unreadable.equals(r.key()) || wrong.equals(r.key()), l -> l.size() >= 2, WAIT);
        var byKey = letters.stream().collect(java.util.stream.Collectors.toMap(r -> r.key(), r -> r.value().getReason(), (a, b) -> a));
        assertTrue(byKey.get(unreadable).contains("could not be read as an EscalationRaised"), byKey.get(unreadable));
        assertTrue(byKey.get(wrong).contains("Verdict, not an EscalationRaised"), byKey.get(wrong));
    }

    /**
     * A request the database refuses for what it holds (here a NUL character, which PostgreSQL's text
     * cannot hold) is dead-lettered with the database's reason, and the request behind it (same key,
     * so after it) is opened: before, the batch was retried ten times and intake stopped for good.
     */
    @Test
    void aRequestTheDatabaseRefusesIsDeadLetteredAndTheNextEscalationIsOpened() {
        String refused = "act-" + UUID.randomUUID();
        kafka.send(Topics.ESCALATION_REQUESTS.topic(), refused, EscalationRaised.newBuilder(raised(refused, 1))
                .setReason("over the limit\0 and a NUL").build());
        String actionId = "act-" + UUID.randomUUID();
        kafka.send(Topics.ESCALATION_REQUESTS.topic(), refused, raised(actionId, 1));
        awaitTask(actionId);
        String reason = kafka.<dev.orgos.schema.DeadLetter>await(Topics.DEAD_LETTERS.topic(), r -> refused.equals(r.key()),
                l -> !l.isEmpty(), WAIT).get(0).value().getReason();
        assertTrue(reason.startsWith("the escalation database refused the request"), reason);
        assertEquals(List.of(), given().auth().oauth2(alice).get("/v1/escalations").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.actionId == '" + refused + "' }.id"), "no task for the refused request");

        // an action id too long for its column, and the record's key with it: the letter's own key would not
        // fit the outbox either, and its refusal stopped intake; it goes under another key, and keeps this one
        String tooLong = "act-" + "x".repeat(150);
        kafka.send(Topics.ESCALATION_REQUESTS.topic(), tooLong, raised(tooLong, 1));
        String next = "act-" + UUID.randomUUID();
        kafka.send(Topics.ESCALATION_REQUESTS.topic(), tooLong, raised(next, 1));
        awaitTask(next);
        var letter = kafka.<dev.orgos.schema.DeadLetter>await(Topics.DEAD_LETTERS.topic(), r -> tooLong.equals(r.value().getKey()),
                l -> !l.isEmpty(), WAIT).get(0);
        assertTrue(letter.value().getReason().startsWith("the escalation database refused the request"), letter.value().getReason());
        assertEquals("unfit-key", letter.key());
    }

    /** A task, and the action it is about. */
    record Task(String actionId, String id) {
    }

    /**
     * A task that needs two approvals, approved by Alice: one approval of two answers the task, so it
     * is acknowledged by it, and no acknowledge deadline moves it up the chain.
     */
    Task approvedByAliceOneOfTwo() {
        String actionId = "act-" + UUID.randomUUID();
        kafka.send(Topics.ESCALATION_REQUESTS.topic(), actionId, raised(actionId, 2));
        String id = awaitTask(actionId);
        double timed = acknowledgementsTimed();
        given().auth().oauth2(alice).contentType("application/json").body("{}")
                .post("/v1/escalations/" + id + "/approve").then().statusCode(200).body("status", equalTo("ACKNOWLEDGED"));
        // the time to acknowledge counts it, as it counts POST .../acknowledge (tests in this class run one at a time)
        assertEquals(timed + 1, acknowledgementsTimed(), 0.0);
        return new Task(actionId, id);
    }

    /** How many acknowledgements the time-to-acknowledge metric has timed, over every anchor. */
    static double acknowledgementsTimed() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith("orgos_escalation_time_to_acknowledge_seconds_count"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void fourEyesNeedsTwoDistinctHumans() {
        Task task = approvedByAliceOneOfTwo();
        String actionId = task.actionId();
        String id = task.id();
        given().auth().oauth2(alice).contentType("application/json").body("{}")
                .post("/v1/escalations/" + id + "/approve").then().statusCode(409);
        given().auth().oauth2(bob).contentType("application/json").body("{\"reason\":\"checked the order\"}")
                .post("/v1/escalations/" + id + "/approve").then().statusCode(200).body("status", equalTo("APPROVED"));
        given().auth().oauth2(alice).get("/v1/escalations/" + id).then().body("approvedBy", hasSize(2));

        Verdict verdict = kafka.<Verdict>await(Topics.VERDICTS.topic(),
                r -> r.value().getActionId().equals(actionId) && r.value().getStatus() == VerdictStatus.APPROVED,
                l -> !l.isEmpty(), WAIT).get(0).value();
        assertTrue(verdict.getDecidedBy().containsAll(List.of("alice", "bob")), verdict.getDecidedBy().toString());
    }

    /** Alice approves one of two, Bob rejects: the ledger has Alice's approval as well as Bob's rejection. */
    @Test
    void aPartialApprovalIsInTheLedgerEvenWhenTheTaskIsThenRejected() {
        Task task = approvedByAliceOneOfTwo();
        String actionId = task.actionId();
        String id = task.id();
        given().auth().oauth2(bob).contentType("application/json").body("{\"reason\":\"order was already refunded\"}")
                .post("/v1/escalations/" + id + "/reject").then().statusCode(200).body("status", equalTo("REJECTED"));
        var facts = kafka.<AccountabilityFact>await(Topics.FACTS.topic(), r -> actionId.equals(r.value().getActionId()),
                l -> l.stream().anyMatch(r -> r.value().getFactType() == FactType.VERDICT_ISSUED), WAIT);
        AccountabilityFact acknowledged = facts.stream().map(r -> r.value())
                .filter(f -> f.getFactType() == FactType.ESCALATION_ACKNOWLEDGED).findFirst().orElseThrow();
        assertEquals("alice", acknowledged.getAnchor().getPerson());
        assertEquals("1 of 2", acknowledged.getDetails().get("approval"));
        AccountabilityFact resolved = facts.stream().map(r -> r.value())
                .filter(f -> f.getFactType() == FactType.ESCALATION_RESOLVED).findFirst().orElseThrow();
        assertEquals("bob", resolved.getAnchor().getPerson());
        assertEquals("alice", resolved.getDetails().get("approvedBeforehand"));
        assertTrue(resolved.getSummary().contains("approved beforehand by alice, 1 of 2"), resolved.getSummary());
    }
}
