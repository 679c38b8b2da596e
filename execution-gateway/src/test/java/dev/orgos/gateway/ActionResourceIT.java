package dev.orgos.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.infra.DevTokens;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.AnchorRef;
import dev.orgos.schema.Topics;
import dev.orgos.schema.Verdict;
import dev.orgos.schema.VerdictStatus;
import dev.orgos.testing.OrgosInfrastructure;
import dev.orgos.testing.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = OrgosInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "orgos_gateway"))
class ActionResourceIT {

    final TopicProbe kafka = new TopicProbe(OrgosInfrastructure.endpoints(null));

    @AfterEach
    void closeProbe() {
        kafka.close();
    }

    final String token = DevTokens.agent("refund-bot", Duration.ofMinutes(10));

    /** What this replica remembers of actions it sent and that are not yet decided: a test forgets it as a crash would. */
    @jakarta.inject.Inject
    dev.orgos.gateway.action.AwaitingDecision awaiting;

    @Test
    void acceptedActionReachesKafkaAsAvroUnderTheTokensAgentId() {
        String id = "act-" + UUID.randomUUID();
        String traceId = given().auth().oauth2(token).contentType("application/json")
                .body("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":120,\"confidence\":0.95,"
                        + "\"parameters\":{\"orderId\":\"o-9\",\"items\":3}}")
                .when().post("/v1/actions")
                .then().statusCode(202).header("Location", org.hamcrest.Matchers.endsWith("/v1/actions/" + id)).body("status", equalTo("PENDING"))
                .extract().path("traceId");

        var record = kafka.<ActionProposed>await(Topics.ACTIONS.topic(), r -> r.value() != null && r.value().getActionId().equals(id),
                l -> !l.isEmpty(), Duration.ofSeconds(20)).get(0);
        ActionProposed sent = record.value();
        assertEquals("refund-bot", sent.getAgentId());
        assertEquals("refund-bot", record.key(), "keyed by agent: one agent's actions stay in order");
        // the trace goes on with the action: the router names it in the ledger
        var traceparent = record.headers().lastHeader("traceparent");
        assertTrue(traceparent != null && !traceId.isEmpty(), "a traceparent header and a trace id in the answer");
        assertEquals(traceId, new String(traceparent.value(), java.nio.charset.StandardCharsets.UTF_8).split("-")[1]);
        assertEquals(3L, sent.getParameters().get("items"));

        given().auth().oauth2(token).when().get("/v1/actions/" + id)
                .then().statusCode(200).body("status", equalTo("PENDING")).body("mayProceed", equalTo(false));
    }

    /**
     * Records on the verdicts topic that the gateway cannot read, that are not verdicts, or that its
     * database refuses go to the dead-letter topic with the reason, and the verdicts behind them are
     * applied: before, the first stopped this replica's verdicts for good, and the others failed their
     * batch at every try. All are keyed by the action's id, so they come before its verdict.
     */
    @Test
    void whatTheGatewayCannotReadOrStoreOnTheVerdictsTopicIsDeadLetteredAndTheVerdictsGoOn() {
        String id = "act-" + UUID.randomUUID();
        given().auth().oauth2(token).contentType("application/json")
                .body("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":5}")
                .post("/v1/actions").then().statusCode(202);
        kafka.sendRaw(Topics.VERDICTS.topic(), id, "{not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        kafka.sendAs(Topics.VERDICTS.topic(), id, dev.orgos.schema.DeadLetter.newBuilder().setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now()).setSource("test").setSourceTopic("x").setPartition(0).setOffset(0).setReason("not a verdict")
                .build(), Topics.DEAD_LETTERS.topic());
        kafka.send(Topics.VERDICTS.topic(), id, Verdict.newBuilder().setEventId(UUID.randomUUID().toString())
                .setActionId(id).setAgentId("refund-bot").setOccurredAt(Instant.now()).setStatus(VerdictStatus.REJECTED)
                .setAnchor(AnchorRef.newBuilder().setRole("finance-ops").build()).setDecidedBy(List.of("alice"))
                .setReason("a reason with a \0 in it").setCharterVersion(1).build());
        verdict(id, VerdictStatus.APPROVED, Instant.now().plusSeconds(1));

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(token).get("/v1/actions/" + id).then().statusCode(200).body("status", equalTo("APPROVED")));
        List<String> reasons = kafka.<dev.orgos.schema.DeadLetter>await(Topics.DEAD_LETTERS.topic(), r -> id.equals(r.key())
                && "execution-gateway".equals(r.value().getSource()), l -> l.size() >= 3, Duration.ofSeconds(30))
                .stream().map(r -> r.value().getReason()).toList();
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("the record could not be read as a Verdict")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("DeadLetter, not a Verdict")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("the gateway's database refused the verdict")), reasons.toString());
    }

    @Test
    void verdictFromTheMeshBecomesTheActionsState() {
        String id = "act-" + UUID.randomUUID();
        given().auth().oauth2(token).contentType("application/json")
                .body("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":5}")
                .post("/v1/actions").then().statusCode(202);
        kafka.send(Topics.VERDICTS.topic(), id, Verdict.newBuilder().setEventId(UUID.randomUUID().toString())
                .setActionId(id).setAgentId("refund-bot").setOccurredAt(Instant.now().plusSeconds(1))
                .setStatus(VerdictStatus.APPROVED).setAnchor(AnchorRef.newBuilder().setRole("finance-ops").setPerson("alice").build())
                .setDecidedBy(List.of("alice")).setReason("fine").setCharterVersion(1).build());
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().auth().oauth2(token).get("/v1/actions/" + id).then().statusCode(200)
                        .body("status", equalTo("APPROVED")).body("mayProceed", equalTo(true))
                        .body("decidedBy", hasItem("alice")));
    }

    @Test
    void aVerdictEndsAPendingActionEvenIfItsClockSaysEarlier() {
        // the router's clock is not ours, and its times travel in milliseconds: a verdict decided within the
        // millisecond of the acceptance, or on a host whose clock is behind, was dropped and the action stayed PENDING
        String id = post(token, "{\"actionType\":\"refund.issue\",\"amount\":5}", null);
        verdict(id, VerdictStatus.AUTONOMOUS, Instant.now().minusSeconds(5));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().auth().oauth2(token).get("/v1/actions/" + id).then().statusCode(200).body("status", equalTo("AUTONOMOUS")));
        // once final, a later verdict changes nothing
        verdict(id, VerdictStatus.REJECTED, Instant.now().plusSeconds(5));
        String other = post(token, "{\"actionType\":\"refund.issue\",\"amount\":6}", null);
        verdict(other, VerdictStatus.REJECTED, Instant.now().plusSeconds(5));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().auth().oauth2(token).get("/v1/actions/" + other).then().statusCode(200).body("status", equalTo("REJECTED")));
        given().auth().oauth2(token).get("/v1/actions/" + id).then().statusCode(200).body("status", equalTo("AUTONOMOUS"));
    }

    @Test
    void malformedActionsGetProblemDetailsNamingTheFieldAndNothingIsSent() {
        String id = "act-" + UUID.randomUUID();
        given().auth().oauth2(token).contentType("application/json")
                .body("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":\"lots\"}")
                .post("/v1/actions").then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("errors[0].field", equalTo("amount"));
        given().auth().oauth2(token).contentType("application/json")
                .body("{\"actionId\":\"" + id + "\",\"confidence\":3}")
                .post("/v1/actions").then().statusCode(400)
                .body("errors.field", hasItem("actionType")).body("errors.field", hasItem("confidence"));
        given().auth().oauth2(token).contentType("application/json").body("{\"actionType\": refund")
                .post("/v1/actions").then().statusCode(400).body("title", equalTo("Malformed JSON"));
        given().auth().oauth2(token).contentType("application/json")
                .body("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"agentId\":\"someone-else\"}")
                .post("/v1/actions").then().statusCode(400).body("errors[0].field", equalTo("agentId"));
        // none of these reached Kafka: a later valid action with another id is there, this id is not
        String marker = "act-" + UUID.randomUUID();
        given().auth().oauth2(token).contentType("application/json")
                .body("{\"actionId\":\"" + marker + "\",\"actionType\":\"refund.issue\"}").post("/v1/actions").then().statusCode(202);
        var seen = kafka.<ActionProposed>await(Topics.ACTIONS.topic(),
                r -> r.value() != null && (r.value().getActionId().equals(id) || r.value().getActionId().equals(marker)),
                l -> l.stream().anyMatch(r -> r.value().getActionId().equals(marker)), Duration.ofSeconds(20));
        assertTrue(seen.stream().noneMatch(r -> r.value().getActionId().equals(id)), "an invalid action reached Kafka");
    }

    String post(String token, String body, String key) {
        var req = given().auth().oauth2(token).contentType("application/json").body(body);
        if (key != null) {
            req = req.header("Idempotency-Key", key);
        }
        return req.post("/v1/actions").then().statusCode(202).extract().path("actionId");
    }

    void verdict(String id, VerdictStatus status, Instant at) {
        kafka.send(Topics.VERDICTS.topic(), id, Verdict.newBuilder().setEventId(UUID.randomUUID().toString())
                .setActionId(id).setAgentId("refund-bot").setOccurredAt(at).setStatus(status)
                .setAnchor(AnchorRef.newBuilder().setRole("finance-ops").setPerson(null).build())
                .setDecidedBy(status == VerdictStatus.APPROVED ? List.of("alice") : List.of()).setReason("test").setCharterVersion(1).build());
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheOriginalAcceptanceAndSendsNothingMore() {
        String key = "key-" + UUID.randomUUID();
        String body = "{\"actionType\":\"refund.issue\",\"amount\":12}";
        String first = post(token, body, key);
        // undecided (no router here): the database cannot tell that the broker has it, this replica remembers it
        given().auth().oauth2(token).contentType("application/json").header("Idempotency-Key", key).body(body)
                .post("/v1/actions").then().statusCode(202).header("Idempotent-Replayed", "true").body("actionId", equalTo(first));
        given().auth().oauth2(token).contentType("application/json").header("Idempotency-Key", key)
                .body("{\"actionType\":\"refund.issue\",\"amount\":13}")
                .post("/v1/actions").then().statusCode(409).body("errors[0].field", equalTo("Idempotency-Key"));
        assertEquals(1, timesSent(first));
        // the action id is an idempotency key too
        String id = "act-" + UUID.randomUUID();
        post(token, "{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\"}", null);
        given().auth().oauth2(token).contentType("application/json").body("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\"}")
                .post("/v1/actions").then().statusCode(202).header("Idempotent-Replayed", "true");
        // and it cannot be taken by another agent
        given().auth().oauth2(DevTokens.agent("other-bot", Duration.ofMinutes(5))).contentType("application/json")
                .body("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\"}")
                .post("/v1/actions").then().statusCode(409).body("errors[0].field", equalTo("actionId"));
    }

    /**
     * A crash between claiming the key and the broker's acknowledgement (simulated by forgetting what
     * this replica remembers) must not turn the worker's retry into a 202 for an action that may never
     * have reached the broker: the retry sends it again (the router decides an action id once).
     */
    @Test
    void aRetryOfAnAcceptanceThatWasNeverConfirmedSendsTheActionAgain() throws Exception {
        String id = "lost-" + UUID.randomUUID();
        String body = "{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":12}";
        post(token, body, null);
        // as if the gateway had crashed after claiming, before the broker's acknowledgement (and, as
        // before version 6 of the schema, with no state recorded either)
        awaiting.forgetAll();
        sql("DELETE FROM action_state WHERE action_id = ?", id);
        given().auth().oauth2(token).contentType("application/json").body(body)
                .post("/v1/actions").then().statusCode(202).header("Idempotent-Replayed", "true").body("actionId", equalTo(id));
        var copies = kafka.<ActionProposed>await(Topics.ACTIONS.topic(), r -> r.value() != null && r.value().getActionId().equals(id),
                l -> l.size() >= 2, Duration.ofSeconds(20));
        assertEquals(2, copies.size(), "sent once at first, once more on the retry");
        given().auth().oauth2(token).get("/v1/actions/" + id).then().statusCode(200).body("status", equalTo("PENDING"));
        // acknowledged again: a further retry is answered as the original acceptance and sends nothing
        given().auth().oauth2(token).contentType("application/json").body(body)
                .post("/v1/actions").then().statusCode(202).header("Idempotent-Replayed", "true");
        assertEquals(2, timesSent(id));
    }

    @Test
    void aRetryUnderAKeyWithoutAnActionIdSendsTheOriginalActionAgainNotANewOne() throws Exception {
        String key = "key-" + UUID.randomUUID();
        String body = "{\"actionType\":\"refund.issue\",\"amount\":13}";
        String id = post(token, body, key);
        awaiting.forgetAll();
        given().auth().oauth2(token).contentType("application/json").header("Idempotency-Key", key).body(body)
                .post("/v1/actions").then().statusCode(202).header("Idempotent-Replayed", "true").body("actionId", equalTo(id));
        var copies = kafka.<ActionProposed>await(Topics.ACTIONS.topic(), r -> r.value() != null && r.value().getActionId().equals(id),
                l -> l.size() >= 2, Duration.ofSeconds(20));
        assertEquals(2, copies.size(), "the same action twice, which the router decides once");
    }

    /** Once decided, the action's state says it reached the broker: any replica answers a retry without sending. */
    @Test
    void aRetryOfADecidedActionIsAnsweredFromItsStateEvenByAReplicaThatDoesNotRememberIt() {
        String id = "decided-" + UUID.randomUUID();
        String body = "{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":12}";
        post(token, body, null);
        verdict(id, VerdictStatus.AUTONOMOUS, Instant.now());
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().auth().oauth2(token).get("/v1/actions/" + id).then().statusCode(200).body("status", equalTo("AUTONOMOUS")));
        awaiting.forgetAll();
        given().auth().oauth2(token).contentType("application/json").body(body)
                .post("/v1/actions").then().statusCode(202).header("Idempotent-Replayed", "true").body("actionId", equalTo(id));
        assertEquals(1, timesSent(id), "sent once, never again");
    }

    /**
     * An action id is decided once, by its first request: the same id under a new key (or under none,
     * when the first had one) is refused, not sent again. Sent, it would be dropped by the router as
     * already decided, and the POST answered with the first body's verdict for a body never evaluated.
     */
    @Test
    void anActionIdSubmittedAgainUnderAnotherKeyIsRefusedAndNothingIsSent() throws Exception {
        String id = "reused-" + UUID.randomUUID();
        String first = "{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":10}";
        String firstKey = "key-" + UUID.randomUUID();
        post(token, first, firstKey);
        verdict(id, VerdictStatus.AUTONOMOUS, Instant.now());
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().auth().oauth2(token).get("/v1/actions/" + id).then().statusCode(200).body("status", equalTo("AUTONOMOUS")));
        String otherKey = "key-" + UUID.randomUUID();
        given().auth().oauth2(token).contentType("application/json").header("Idempotency-Key", otherKey).header("Prefer", "wait=2")
                .body("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":1000000}")
                .post("/v1/actions").then().statusCode(409).contentType(containsString("application/problem+json"))
                .body("errors[0].field", equalTo("actionId")).body("detail", containsString("Idempotency-Key"));
        // the same body without the key it was first sent with is not a retry either
        given().auth().oauth2(token).contentType("application/json").body(first)
                .post("/v1/actions").then().statusCode(409).body("errors[0].field", equalTo("actionId"));
        // the first request's retry still gets its acceptance
        given().auth().oauth2(token).contentType("application/json").header("Idempotency-Key", firstKey).body(first)
                .post("/v1/actions").then().statusCode(202).header("Idempotent-Replayed", "true");
        assertEquals(0, rows("SELECT 1 FROM idempotency_key WHERE key = ?", otherKey), "the new key was not claimed");
        assertEquals(1, timesSent(id), "sent once, by the first request");
    }

    /**
     * Two requests for one action id under different keys at the same moment, as on two replicas: the
     * second transaction's claim of its key succeeds, but its action id was recorded by the first. It
     * gives its key back and is refused as the later of the two, and nothing of it is sent.
     */
    @Test
    void aClaimThatLosesItsActionIdToAConcurrentRequestGivesItsKeyBackAndIsRefused() throws Exception {
        String id = "raced-" + UUID.randomUUID();
        String key = "key-" + UUID.randomUUID();
        var db = OrgosInfrastructure.endpoints(null);
        try (var other = java.sql.DriverManager.getConnection(db.jdbcUrl("orgos_gateway"), db.pgUser(), db.pgPassword())) {
            // the other request's transaction: the id recorded, not yet committed
            other.setAutoCommit(false);
            try (var st = other.prepareStatement("INSERT INTO action_state (action_id, agent_id, action_type, status, submitted_at, "
                    + "updated_at) VALUES (?, 'refund-bot', 'refund.issue', 'PENDING', now(), now())")) {
                st.setString(1, id);
                st.executeUpdate();
            }
            var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> given().auth().oauth2(token)
                    .contentType("application/json").header("Idempotency-Key", key)
                    .body("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":5}").post("/v1/actions"));
            // the claim has taken its key and now waits for the other transaction's row
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> rows("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = "
                    + "'Lock' AND query LIKE ?", "%idempotency_key%") > 0);
            other.commit();
            answer.get(20, java.util.concurrent.TimeUnit.SECONDS).then().statusCode(409).body("errors[0].field", equalTo("actionId"));
        }
        assertEquals(0, rows("SELECT 1 FROM idempotency_key WHERE key = ?", key), "the key was given back");
        assertEquals(0, timesSent(id), "nothing of it sent");
    }

    /**
     * How many times the action was sent to the actions topic, counted once a marker sent after it
     * arrived: one agent's actions share a partition, so every copy sent before is there by then.
     */
    long timesSent(String actionId) {
        String marker = post(token, "{\"actionType\":\"refund.issue\"}", null);
        var sent = kafka.<ActionProposed>await(Topics.ACTIONS.topic(), r -> r.value() != null
                        && (r.value().getActionId().equals(actionId) || r.value().getActionId().equals(marker)),
                l -> l.stream().anyMatch(r -> r.value().getActionId().equals(marker)), Duration.ofSeconds(20));
        return sent.stream().filter(r -> r.value().getActionId().equals(actionId)).count();
    }

    /** How many rows a query with one text parameter answers. */
    private static int rows(String query, String parameter) throws java.sql.SQLException {
        var db = OrgosInfrastructure.endpoints(null);
        try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl("orgos_gateway"), db.pgUser(), db.pgPassword());
             var st = c.prepareStatement(query)) {
            st.setString(1, parameter);
            int n = 0;
            try (var result = st.executeQuery()) {
                while (result.next()) {
                    n++;
                }
            }
            return n;
        }
    }

    private static int sql(String statement, String actionId) throws java.sql.SQLException {
        var db = OrgosInfrastructure.endpoints(null);
        try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl("orgos_gateway"), db.pgUser(), db.pgPassword());
             var st = c.prepareStatement(statement)) {
            st.setString(1, actionId);
            return st.executeUpdate();
        }
    }

    @Test
    void concurrentSubmissionsShareRoundTripsYetEachGetsItsOwnAnswer() throws Exception {
        // many at once, so that claims and acceptances go to the database in shared batches
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<io.restassured.response.Response>> own = new java.util.ArrayList<>();
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String agentToken = DevTokens.agent("batch-agent-" + (i % 8), Duration.ofMinutes(10));
                String id = "act-" + UUID.randomUUID();
                ids.add(id);
                own.add(pool.submit(() -> given().auth().oauth2(agentToken).contentType("application/json")
                        .body("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":7}").post("/v1/actions")));
            }
            // one key, eight different bodies at once: exactly one is the key's request, the others are refused
            String contested = "contested-" + UUID.randomUUID();
            String contestToken = DevTokens.agent("contest-agent", Duration.ofMinutes(10));
            List<java.util.concurrent.Future<io.restassured.response.Response>> rivals = new java.util.ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                String body = "{\"actionType\":\"refund.issue\",\"amount\":" + i + "}";
                rivals.add(pool.submit(() -> given().auth().oauth2(contestToken).contentType("application/json")
                        .header("Idempotency-Key", contested).body(body).post("/v1/actions")));
            }
            for (int i = 0; i < own.size(); i++) {
                var r = own.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(202, r.statusCode(), r.asString());
                assertEquals(ids.get(i), r.path("actionId"), "each submission is answered with its own action");
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var f : rivals) {
                statuses.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 202).count(), statuses.toString());
            assertEquals(7, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
            for (int i = 0; i < ids.size(); i++) {
                String agentToken = DevTokens.agent("batch-agent-" + (i % 8), Duration.ofMinutes(10));
                given().auth().oauth2(agentToken).get("/v1/actions/" + ids.get(i)).then().statusCode(200)
                        .body("agentId", equalTo("batch-agent-" + (i % 8)));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSubmissionThatPrefersToWaitIsAnsweredWithItsVerdict() throws Exception {
        String id = "act-" + UUID.randomUUID();
        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var answer = pool.submit(() -> given().auth().oauth2(token).contentType("application/json").header("Prefer", "wait=15")
                    .body("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":8}").post("/v1/actions"));
            // the router's part, played here: the verdict follows the action onto the mesh
            kafka.<ActionProposed>await(Topics.ACTIONS.topic(), r -> r.value() != null && r.value().getActionId().equals(id),
                    l -> !l.isEmpty(), Duration.ofSeconds(20));
            verdict(id, VerdictStatus.APPROVED, Instant.now().plusSeconds(1));
            var r = answer.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(202, r.statusCode(), r.asString());
            assertEquals("wait=15", r.header("Preference-Applied"));
            assertTrue(r.header("Location").endsWith("/v1/actions/" + id));
            assertEquals("APPROVED", r.path("status"));
            assertEquals(Boolean.TRUE, r.path("mayProceed"));
        } finally {
            pool.shutdownNow();
        }
        // its retry is answered with the original acceptance and the verdict it has by now, read at once: no
        // verdict is coming for it to wait on (a watch for one would wake only at its fallback, a second later)
        Instant retried = Instant.now();
        given().auth().oauth2(token).contentType("application/json").header("Prefer", "wait=15")
                .body("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":8}").post("/v1/actions")
                .then().statusCode(202).header("Idempotent-Replayed", "true").body("status", equalTo("APPROVED"));
        assertTrue(Duration.between(retried, Instant.now()).toMillis() < 900, "read, not awaited");
        // no verdict within the wait: the 202 says PENDING, as without the preference
        Instant start = Instant.now();
        given().auth().oauth2(token).contentType("application/json").header("Prefer", "respond-async, wait=1")
                .body("{\"actionType\":\"refund.issue\",\"amount\":9}").post("/v1/actions")
                .then().statusCode(202).header("Preference-Applied", "wait=1").body("status", equalTo("PENDING"));
        assertTrue(Duration.between(start, Instant.now()).toMillis() >= 900, "it waited");
        // a preference not understood is ignored
        given().auth().oauth2(token).contentType("application/json").header("Prefer", "wait=soon")
                .body("{\"actionType\":\"refund.issue\",\"amount\":9}").post("/v1/actions")
                .then().statusCode(202).header("Preference-Applied", org.hamcrest.Matchers.nullValue()).body("status", equalTo("PENDING"));
    }

    @Test
    void cloudEventsAreAcceptedInStructuredAndBinaryMode() {
        String structured = "ce-" + UUID.randomUUID();
        given().auth().oauth2(token).contentType("application/cloudevents+json")
                .body("{\"specversion\":\"1.0\",\"type\":\"dev.orgos.action.proposed\",\"source\":\"urn:test\",\"id\":\"" + structured
                        + "\",\"data\":{\"actionId\":\"" + structured + "\",\"actionType\":\"refund.issue\",\"amount\":5}}")
                .post("/v1/actions").then().statusCode(202).body("actionId", equalTo(structured));
        String binary = "ce-" + UUID.randomUUID();
        given().auth().oauth2(token).contentType("application/json").header("ce-specversion", "1.0")
                .header("ce-type", "dev.orgos.action.proposed").header("ce-source", "urn:test").header("ce-id", binary)
                .body("{\"actionId\":\"" + binary + "\",\"actionType\":\"refund.issue\"}")
                .post("/v1/actions").then().statusCode(202);
        given().auth().oauth2(token).contentType("application/cloudevents+json")
                .body("{\"specversion\":\"0.3\",\"type\":\"other\",\"data\":{}}")
                .post("/v1/actions").then().statusCode(400)
                .body("errors.field", hasItem("specversion")).body("errors.field", hasItem("type"))
                .body("errors.field", hasItem("id")).body("errors.field", hasItem("source"));
        kafka.<ActionProposed>await(Topics.ACTIONS.topic(), r -> r.value() != null && r.value().getActionId().equals(binary),
                l -> !l.isEmpty(), Duration.ofSeconds(20));
    }

    @Test
    void aLongPollReturnsAsSoonAsTheVerdictIsFinal() throws Exception {
        String id = post(token, "{\"actionType\":\"refund.issue\",\"amount\":900}", null);
        Instant start = Instant.now();
        var answer = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                given().auth().oauth2(token).queryParam("waitSeconds", 20).get("/v1/actions/" + id).then().extract());
        verdict(id, VerdictStatus.ESCALATED, Instant.now().plusSeconds(1));
        verdict(id, VerdictStatus.APPROVED, Instant.now().plusSeconds(2));
        var response = answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertEquals("APPROVED", response.path("status"));
        assertTrue(Duration.between(start, Instant.now()).toSeconds() < 20, "answered when final, not at the timeout");
        // this replica's verdict consumer handed the state over without a read: it must be the state a read gives
        assertEquals(given().auth().oauth2(token).get("/v1/actions/" + id).then().statusCode(200).extract().asString(),
                response.body().asString());
        given().auth().oauth2(token).queryParam("waitSeconds", 61).get("/v1/actions/" + id).then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("errors[0].field", equalTo("waitSeconds"));
        given().auth().oauth2(token).queryParam("waitSeconds", "soon").get("/v1/actions/" + id).then().statusCode(400)
                .body("errors[0].field", equalTo("waitSeconds"));
        // a stranger learns nothing about the query either
        given().queryParam("waitSeconds", 61).get("/v1/actions/" + id).then().statusCode(401)
                .contentType(startsWith("application/problem+json")).header("WWW-Authenticate", "Bearer");
    }

    @jakarta.inject.Inject
    dev.orgos.gateway.action.StateChanges changes;

    @jakarta.inject.Inject
    dev.orgos.gateway.action.ActionStore store;

    @Test
    void aVerdictWrittenByAnyReplicaWakesThoseWaitingThroughTheDatabase() {
        String id = post(token, "{\"actionType\":\"refund.issue\",\"amount\":900}", null);
        var watch = changes.watch(id);
        var other = changes.watch("act-" + UUID.randomUUID());
        // written as another replica's verdict consumer would: straight into action_state, no Kafka, no HTTP here
        store.applyAll(List.of(Verdict.newBuilder().setEventId(UUID.randomUUID().toString()).setActionId(id).setAgentId("refund-bot")
                .setOccurredAt(Instant.now().plusSeconds(1)).setStatus(VerdictStatus.AUTONOMOUS)
                .setAnchor(AnchorRef.newBuilder().setRole("finance-ops").build()).setDecidedBy(List.of()).setReason("in bounds")
                .setCharterVersion(1).build())).await().atMost(Duration.ofSeconds(10));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(watch::noticed);
        watch.cancel();
        assertTrue(!other.noticed(), "a notice wakes only those waiting on that action");
        other.cancel();
    }

    @Test
    void aWatchWithLessThanAMillisecondLeftEndsInsteadOfHanging() {
        // a long poll near its deadline re-arms with what is left, which can be a fraction of a millisecond
        var watch = changes.watch("act-" + UUID.randomUUID());
        Uni<?> ended = io.vertx.mutiny.core.Vertx.newInstance(vertx).getOrCreateContext().executeBlocking(() -> null)
                .chain(() -> watch.changed(Duration.ofNanos(400_000)));
        // before the fix: "Cannot schedule a timer with delay < 1 ms" at subscription, and a request left unanswered
        ended.await().atMost(Duration.ofSeconds(5));
    }

    @jakarta.inject.Inject
    io.vertx.core.Vertx vertx;

    @jakarta.inject.Inject
    io.vertx.mutiny.pgclient.PgPool db;

    private int listeners() {
        return db.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN "
                        + "orgos_action_state'").execute().await().atMost(Duration.ofSeconds(10))
                .iterator().next().getInteger("n");
    }

    @Test
    void whenTheListeningConnectionIsKilledTheGatewayListensAgainAndNoticesStillArrive() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> listeners() == 1);
        db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN "
                + "orgos_action_state'").execute().await().atMost(Duration.ofSeconds(10));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> listeners() == 1);

        String id = post(token, "{\"actionType\":\"refund.issue\",\"amount\":900}", null);
        var watch = changes.watch(id);
        verdict(id, VerdictStatus.REJECTED, Instant.now().plusSeconds(1));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(watch::noticed);
        watch.cancel();
    }

    /**
     * The database drops the verdict consumer's connection in the middle of applying a verdict (here:
     * while the row is locked, an administrator terminates the waiting backend). The verdict is applied
     * once the database answers again, and the verdicts after it too: failing the batch had stopped this
     * replica's verdicts for good.
     */
    @Test
    void aVerdictWhoseDatabaseConnectionDropsIsAppliedOnceItCanBeAndTheStreamGoesOn() throws Exception {
        String id = post(token, "{\"actionType\":\"refund.issue\",\"amount\":900}", null);
        try (var lock = lockRow(id)) {
            verdict(id, VerdictStatus.AUTONOMOUS, Instant.now().plusSeconds(1));
            String blocked = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
                    + "AND query LIKE 'INSERT INTO action_state AS s%'";
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> db.query(blocked).execute()
                    .await().atMost(Duration.ofSeconds(5)).size() == 1);
            db.query("SELECT pg_terminate_backend(pid) FROM (" + blocked + ") b").execute().await().atMost(Duration.ofSeconds(10));
            lock.rollback();
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(token).get("/v1/actions/" + id).then().statusCode(200).body("status", equalTo("AUTONOMOUS")));
        String next = post(token, "{\"actionType\":\"refund.issue\",\"amount\":901}", null);
        verdict(next, VerdictStatus.REJECTED, Instant.now().plusSeconds(1));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().auth().oauth2(token).get("/v1/actions/" + next).then().statusCode(200).body("status", equalTo("REJECTED")));
    }

    @Test
    void aLongPollOnAnotherAgentsActionIsAnsweredAtOnce() {
        String id = post(token, "{\"actionType\":\"refund.issue\",\"amount\":900}", null);
        String intruder = DevTokens.agent("price-bot", Duration.ofMinutes(10));
        Instant start = Instant.now();
        given().auth().oauth2(intruder).queryParam("waitSeconds", 20).get("/v1/actions/" + id).then().statusCode(404);
        assertTrue(Duration.between(start, Instant.now()).toSeconds() < 10, "not held until the timeout");
    }

    @Test
    void serverSentEventsStreamEachStateUntilTheFinalOne() throws Exception {
        String id = post(token, "{\"actionType\":\"refund.issue\",\"amount\":900}", null);
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                        + io.restassured.RestAssured.port + "/v1/actions/" + id + "/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
        var response = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofLines());
        List<String> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        var reader = java.util.concurrent.CompletableFuture.runAsync(() -> response.body()
                .filter(l -> l.startsWith("data:"))
                .forEach(l -> statuses.add(io.restassured.path.json.JsonPath.from(l.substring(5)).getString("status"))));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> statuses.contains("PENDING"));
        verdict(id, VerdictStatus.ESCALATED, Instant.now().plusSeconds(1));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> statuses.contains("ESCALATED"));
        verdict(id, VerdictStatus.REJECTED, Instant.now().plusSeconds(2));
        reader.get(20, java.util.concurrent.TimeUnit.SECONDS); // the stream ends by itself after the final state
        assertEquals(List.of("PENDING", "ESCALATED", "REJECTED"), statuses);
    }

    @Test
    void outcomesAreRecordedOnceAndExecutingWithoutAllowanceIsAViolation() {
        String allowed = post(token, "{\"actionType\":\"refund.issue\",\"amount\":10}", null);
        verdict(allowed, VerdictStatus.AUTONOMOUS, Instant.now().plusSeconds(1));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                Boolean.TRUE.equals(given().auth().oauth2(token).get("/v1/actions/" + allowed).then().extract().path("mayProceed")));
        // a summary longer than a ledger fact carries is refused, and records nothing: the report after it is the first
        given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"FAILED\",\"summary\":\"" + "x".repeat(4001) + "\"}")
                .post("/v1/actions/" + allowed + "/outcome").then().statusCode(400).body("errors[0].field", equalTo("summary"));
        given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"EXECUTED\",\"summary\":\"refunded 10 EUR\"}")
                .post("/v1/actions/" + allowed + "/outcome").then().statusCode(202);
        // the same report again (the worker did not hear the answer) is answered as the first; another is refused
        given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"EXECUTED\",\"summary\":\"refunded 10 EUR\"}")
                .post("/v1/actions/" + allowed + "/outcome").then().statusCode(202);
        given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"EXECUTED\",\"summary\":\"again\"}")
                .post("/v1/actions/" + allowed + "/outcome").then().statusCode(409);
        given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"DONE\"}")
                .post("/v1/actions/" + allowed + "/outcome").then().statusCode(400)
                .body("errors.field", hasItem("status")).body("errors.field", hasItem("summary"));
        kafka.<dev.orgos.schema.ActionOutcome>await(Topics.OUTCOMES.topic(), r -> r.value().getActionId().equals(allowed),
                l -> !l.isEmpty(), Duration.ofSeconds(20));

        String pending = post(token, "{\"actionType\":\"refund.issue\",\"amount\":10}", null);
        // reported twice, as a client retries when it did not hear the answer
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"EXECUTED\",\"summary\":\"did it anyway\"}")
                    .post("/v1/actions/" + pending + "/outcome").then().statusCode(409);
        }
        // then a report that is allowed: its fact comes after any copy of the violation on the action's partition
        given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"FAILED\",\"summary\":\"rolled back\"}")
                .post("/v1/actions/" + pending + "/outcome").then().statusCode(202);
        var facts = kafka.<dev.orgos.schema.AccountabilityFact>await(Topics.FACTS.topic(),
                r -> allowed.equals(r.value().getActionId()) || pending.equals(r.value().getActionId()),
                l -> l.stream().anyMatch(r -> pending.equals(r.value().getActionId())
                        && r.value().getFactType() == dev.orgos.schema.FactType.OUTCOME_REPORTED), Duration.ofSeconds(20));
        assertEquals(List.of(dev.orgos.schema.FactType.VIOLATION_RECORDED, dev.orgos.schema.FactType.OUTCOME_REPORTED),
                facts.stream().filter(r -> pending.equals(r.value().getActionId())).map(r -> r.value().getFactType()).toList(),
                "the violation published once: the repeated report was answered from its record");
        var violation = facts.stream().filter(r -> r.value().getFactType() == dev.orgos.schema.FactType.VIOLATION_RECORDED).findFirst()
                .orElseThrow().value();
        assertEquals("PENDING", violation.getDetails().get("verdict"));
        assertEquals(violationRecordedAt(violation.getEventId()), violation.getOccurredAt(), "the time of the first report");
        assertEquals(Boolean.TRUE, violationPublished(violation.getEventId()));
    }

    /**
     * A violation recorded and not published (its replica stopped, or the broker failed) is not left
     * to the worker that broke the rules: the sweep publishes it, with the first report's time, and a
     * repeat of the report publishes it with that time too, so the ledger knows where to find it
     * however much later the repeat comes.
     */
    @Test
    void aViolationRecordedButNotPublishedIsPublishedWithTheFirstReportsTime() {
        String swept = post(token, "{\"actionType\":\"refund.issue\",\"amount\":16}", null);
        String sweptEvent = recordedViolationNotPublished(swept, "PENDING", "moved the money", 1);
        String repeated = post(token, "{\"actionType\":\"refund.issue\",\"amount\":17}", null);
        String repeatedEvent = recordedViolationNotPublished(repeated, "PENDING", "moved it too", 0);

        reports.sweep().await().atMost(Duration.ofSeconds(20));
        // checked at once: the sweep leaves a violation alone for its first seconds, as its replica may be publishing it
        assertEquals(Boolean.FALSE, violationPublished(repeatedEvent));
        given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"EXECUTED\",\"summary\":\"moved it too\"}")
                .post("/v1/actions/" + repeated + "/outcome").then().statusCode(409);

        var facts = kafka.<dev.orgos.schema.AccountabilityFact>await(Topics.FACTS.topic(),
                r -> swept.equals(r.value().getActionId()) || repeated.equals(r.value().getActionId()),
                l -> l.stream().map(r -> r.value().getActionId()).distinct().count() == 2, Duration.ofSeconds(20));
        for (var r : facts) {
            var fact = r.value();
            assertEquals(dev.orgos.schema.FactType.VIOLATION_RECORDED, fact.getFactType());
            assertEquals(swept.equals(fact.getActionId()) ? sweptEvent : repeatedEvent, fact.getEventId());
            assertEquals(violationRecordedAt(fact.getEventId()), fact.getOccurredAt(), "the first report's time, not the publication's");
            assertEquals(Boolean.TRUE, violationPublished(fact.getEventId()));
        }
    }

    /** A violation of an action by this test's agent, recorded {@code minutesAgo} and not published, as a replica that stopped leaves it. */
    private String recordedViolationNotPublished(String actionId, String verdict, String summary, int minutesAgo) {
        String eventId = java.util.UUID.nameUUIDFromBytes(("violation\n" + actionId + "\n" + verdict + "\nEXECUTED\n" + summary)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        db.preparedQuery("""
                        INSERT INTO action_violation (event_id, action_id, agent_id, action_type, verdict, reported_status, summary, reported_at)
                        SELECT $1, action_id, agent_id, action_type, $2, 'EXECUTED', $3, now() - make_interval(mins => $4)
                        FROM action_state WHERE action_id = $5""")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(eventId, verdict, summary, minutesAgo, actionId)).await().atMost(Duration.ofSeconds(10));
        return eventId;
    }

    /** When the violation was recorded, to the millisecond (as records carry times). */
    private Instant violationRecordedAt(String eventId) {
        return toMillis(row("SELECT reported_at FROM action_violation WHERE event_id = $1", eventId).getOffsetDateTime(0));
    }

    private Boolean violationPublished(String eventId) {
        return row("SELECT published FROM action_violation WHERE event_id = $1", eventId).getBoolean(0);
    }

    /** The one row {@code query} finds for {@code id}. */
    private io.vertx.mutiny.sqlclient.Row row(String query, String id) {
        return db.preparedQuery(query).execute(io.vertx.mutiny.sqlclient.Tuple.of(id)).await().atMost(Duration.ofSeconds(10)).iterator().next();
    }

    /** To the millisecond, as records carry times. */
    private static Instant toMillis(java.time.OffsetDateTime t) {
        return t.toInstant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /**
     * The gateway recorded an outcome and stopped before publishing it (here: the row as it would be
     * left, written by hand). The worker's retry of the same report publishes it, under the ids the
     * first attempt would have used, so the ledger seals it once even had the first got through; a
     * different report is still refused.
     */
    @Test
    void anOutcomeRecordedButNotPublishedIsPublishedByTheWorkersRetry() {
        String id = recordedNotPublished("refunded 12 EUR", 0);
        given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"EXECUTED\",\"summary\":\"refunded 13 EUR\"}")
                .post("/v1/actions/" + id + "/outcome").then().statusCode(409);
        given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"EXECUTED\",\"summary\":\"refunded 12 EUR\"}")
                .post("/v1/actions/" + id + "/outcome").then().statusCode(202);
        var published = kafka.<dev.orgos.schema.ActionOutcome>await(Topics.OUTCOMES.topic(), r -> r.value().getActionId().equals(id),
                l -> !l.isEmpty(), Duration.ofSeconds(20)).get(0).value();
        assertEquals("refunded 12 EUR", published.getSummary());
        assertEquals(reportedAt(id), published.getOccurredAt(), "the time of the report, not of its publication");
        assertEquals(java.util.UUID.nameUUIDFromBytes(("outcome\n" + id + "\nEXECUTED\nrefunded 12 EUR")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(), published.getEventId(), "derived from the report");
        assertEquals(Boolean.TRUE, outcomePublished(id));
    }

    /**
     * Workers report at once, on one replica: each report is recorded and published. The outcomes
     * channel holds one Kafka transaction at a time and refuses a second while one is open, which
     * answered all but one of such reports 503.
     */
    @Test
    void outcomesReportedAtOnceAreEachRecordedAndPublished() throws Exception {
        List<String> ids = java.util.stream.IntStream.range(0, 16)
                .mapToObj(i -> post(token, "{\"actionType\":\"refund.issue\",\"amount\":" + (20 + i) + "}", null)).toList();
        var http = java.net.http.HttpClient.newHttpClient();
        var answers = ids.stream().map(id -> http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/v1/actions/" + id + "/outcome"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"status\":\"FAILED\",\"summary\":\"card declined\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())).toList();
        for (var answer : answers) {
            var r = answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(202, r.statusCode(), r.body());
        }
        var published = kafka.<dev.orgos.schema.ActionOutcome>await(Topics.OUTCOMES.topic(), r -> ids.contains(r.value().getActionId()),
                l -> l.stream().map(r -> r.value().getActionId()).distinct().count() == ids.size(), Duration.ofSeconds(30));
        assertEquals(java.util.Set.copyOf(ids), published.stream().map(r -> r.value().getActionId()).collect(java.util.stream.Collectors.toSet()));
    }

    @jakarta.inject.Inject
    dev.orgos.gateway.action.OutcomeReports reports;

    /** And when the worker never retries, any replica's sweep publishes it once it is older than a sweep's period. */
    @Test
    void anOutcomeRecordedButNotPublishedLongAgoIsPublishedByTheSweep() {
        String old = recordedNotPublished("refunded 15 EUR", 1);
        String recent = recordedNotPublished("refunded 14 EUR", 0);
        // its effect is checked, not its count: the sweep on this replica's timer may have taken it first
        reports.sweep().await().atMost(Duration.ofSeconds(20));
        // checked at once: the sweep leaves a report alone for its first seconds
        assertEquals(Boolean.FALSE, outcomePublished(recent), "a report this recent may still be being published by its replica");
        var facts = kafka.<dev.orgos.schema.AccountabilityFact>await(Topics.FACTS.topic(), r -> old.equals(r.value().getActionId()),
                l -> !l.isEmpty(), Duration.ofSeconds(20));
        assertEquals(dev.orgos.schema.FactType.OUTCOME_REPORTED, facts.get(0).value().getFactType());
        assertEquals(reportedAt(old), facts.get(0).value().getOccurredAt(),
                "the time of the report, a minute ago: the ledger looks that far back for an earlier copy");
        assertEquals(Boolean.TRUE, outcomePublished(old));
    }

    /** A connection holding the action's row locked, in a transaction of its own, until it rolls back or closes. */
    private static java.sql.Connection lockRow(String actionId) throws java.sql.SQLException {
        var infra = OrgosInfrastructure.endpoints(null);
        var lock = java.sql.DriverManager.getConnection(infra.jdbcUrl("orgos_gateway"), infra.pgUser(), infra.pgPassword());
        lock.setAutoCommit(false);
        try (var st = lock.prepareStatement("SELECT 1 FROM action_state WHERE action_id = ? FOR UPDATE")) {
            st.setString(1, actionId);
            st.executeQuery();
        }
        return lock;
    }

    /** An allowed action whose outcome was recorded {@code minutesAgo} and not published, as a replica that stopped in between leaves it. */
    private String recordedNotPublished(String summary, int minutesAgo) {
        String id = post(token, "{\"actionType\":\"refund.issue\",\"amount\":12}", null);
        verdict(id, VerdictStatus.AUTONOMOUS, Instant.now().plusSeconds(1));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                Boolean.TRUE.equals(given().auth().oauth2(token).get("/v1/actions/" + id).then().extract().path("mayProceed")));
        db.preparedQuery("UPDATE action_state SET outcome = 'EXECUTED', outcome_summary = $2, outcome_at = now() - make_interval(mins => $3), "
                        + "outcome_published = false WHERE action_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(id, summary, minutesAgo)).await().atMost(Duration.ofSeconds(10));
        return id;
    }

    /** When the outcome was recorded as reported, to the millisecond (as records carry times). */
    private Instant reportedAt(String id) {
        return toMillis(row("SELECT outcome_at FROM action_state WHERE action_id = $1", id).getOffsetDateTime(0));
    }

    private Boolean outcomePublished(String id) {
        return row("SELECT outcome_published FROM action_state WHERE action_id = $1", id).getBoolean(0);
    }

    /**
     * A report the database cannot record in time (its row held by another transaction, here one
     * opened by hand) is cancelled by the database itself (the connections' statement timeout, shorter
     * than the gateway's own bound), so the worker's 503 means what it says: nothing was recorded, and
     * the next report is the one that counts. Were the statement only abandoned by the gateway, it would
     * commit once the lock went, and a corrected report would be refused as a second one.
     */
    @Test
    void anOutcomeTheDatabaseCannotRecordInTimeIsRefusedWith503AndRecordsNothing() throws Exception {
        String id = post(token, "{\"actionType\":\"refund.issue\",\"amount\":11}", null);
        try (var lock = lockRow(id)) {
            given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"FAILED\",\"summary\":\"card declined\"}")
                    .post("/v1/actions/" + id + "/outcome")
                    .then().statusCode(503).header("Retry-After", "1")
                    .body("detail", org.hamcrest.Matchers.containsString("statement timeout"));
            lock.rollback();
        }
        Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> db.preparedQuery(
                "SELECT outcome FROM action_state WHERE action_id = $1").execute(io.vertx.mutiny.sqlclient.Tuple.of(id))
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getString(0) == null);
        String report = "{\"status\":\"FAILED\",\"summary\":\"card declined twice\"}";
        given().auth().oauth2(token).contentType("application/json").body(report).post("/v1/actions/" + id + "/outcome")
                .then().statusCode(202);
        kafka.<dev.orgos.schema.ActionOutcome>await(Topics.OUTCOMES.topic(), r -> r.value().getActionId().equals(id),
                l -> !l.isEmpty(), Duration.ofSeconds(20));
    }

    @Test
    void anAgentOverItsRateLimitGets429WithRetryAfter() throws Exception {
        String flood = DevTokens.agent("flood-bot", Duration.ofMinutes(5));
        // 200 requests at once, whatever the machine's speed: far more than a burst of 40 plus 20/s
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<io.restassured.response.ExtractableResponse<io.restassured.response.Response>>> answers =
                    new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(pool.submit(() -> given().auth().oauth2(flood).contentType("application/json")
                        .body("{\"actionType\":\"BAD TYPE\"}").post("/v1/actions").then().extract()));
            }
            int limited = 0;
            for (var f : answers) {
                var r = f.get();
                if (r.statusCode() == 429) {
                    limited++;
                    assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1);
                    assertEquals("application/problem+json", r.contentType());
                } else {
                    assertEquals(400, r.statusCode(), "within the limit, the invalid action is refused as such");
                }
            }
            assertTrue(limited > 0, "200 requests at once at a limit of 20/s (burst 40) must be limited");
            assertTrue(limited < 200, "the burst allowance lets the first ones through");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anOversizedActionGets413AsAProblemDetail() {
        String big = "x".repeat(70_000);
        given().auth().oauth2(token).contentType("application/json")
                .body("{\"actionType\":\"refund.issue\",\"description\":\"" + big + "\"}")
                .post("/v1/actions").then().statusCode(413).contentType("application/problem+json")
                .body("title", equalTo("Content Too Large"));
    }

    /**
     * Refusals answered before the body is read (a size announced too large, no credential) leave
     * the connection usable: the next request on it is answered as usual, not stuck behind the
     * unread body.
     */
    @Test
    void aRefusalBeforeTheBodyIsReadLeavesTheConnectionUsable() throws Exception {
        var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        var url = java.net.URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/v1/actions");
        String big = "{\"actionType\":\"refund.issue\",\"description\":\"" + "x".repeat(70_000) + "\"}";
        String small = "{\"actionType\":\"refund.issue\"}";
        var tooLarge = http.send(java.net.http.HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(big)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(413, tooLarge.statusCode(), tooLarge.body());
        var anonymous = http.send(java.net.http.HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(small)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        for (int i = 0; i < 3; i++) {
            var accepted = http.sendAsync(java.net.http.HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(small)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(202, accepted.statusCode(), accepted.body());
        }
    }

    /**
     * A body that does not announce its length (chunked) is held to the same limit, and refused
     * the same way. Past the HTTP layer's own backstop (1 MiB) the layer may get there first,
     * with a plain 413 and the connection closed: still refused, nothing accepted.
     */
    @Test
    void anOversizedChunkedActionGets413AsAProblemDetailAndNothingIsSent() throws Exception {
        String id = "act-" + UUID.randomUUID();
        var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        for (int size : new int[] {70_000, 2_000_000}) {
            byte[] body = ("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"description\":\"" + "x".repeat(size) + "\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                            + io.restassured.RestAssured.port + "/v1/actions"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    // a publisher of unknown length: the JDK client sends it chunked, with no Content-Length
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build();
            java.net.http.HttpResponse<String> response;
            try {
                response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException closedWhileSending) {
                // past the backstop the HTTP layer answers and closes at once; a client still sending may see only the close
                assertTrue(size > 1_000_000, size + " bytes: " + closedWhileSending);
                continue;
            }
            assertEquals(413, response.statusCode(), size + " bytes: " + response.body());
            if (size < 1_000_000) {
                assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), response.body());
                assertTrue(response.body().contains("at most 65536 bytes"), response.body());
            }
        }
        given().auth().oauth2(token).get("/v1/actions/" + id).then().statusCode(404);
    }

    @Test
    void readinessSaysThatAcceptedActionsReachTheBroker() {
        post(token, "{\"actionType\":\"refund.issue\"}", null);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Accepted actions to the broker' }.status", equalTo("UP"));
        // and the producer's own metrics are there for the operator, under its client id
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("kafka_producer_record_send_total{client_id=\"orgos-gateway-actions\""));
    }

    @Test
    void theOperatorSeesHowManyActionsAwaitTheirDecision() {
        awaiting.forgetAll();
        assertEquals(0.0, awaitingDecision());
        String id = post(token, "{\"actionType\":\"refund.issue\"}", "key-" + UUID.randomUUID());
        assertEquals(1.0, awaitingDecision(), "on the broker, not decided: no router runs here");
        verdict(id, VerdictStatus.AUTONOMOUS, Instant.now());
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> awaitingDecision() == 0.0);
    }

    private static double awaitingDecision() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("orgos_gateway_awaiting_decision "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim())).findFirst().orElse(Double.NaN);
    }

    @Test
    void withoutAnAgentTokenNothingIsAccepted() {
        given().contentType("application/json").body("{\"actionType\":\"refund.issue\"}")
                .post("/v1/actions").then().statusCode(401).contentType(startsWith("application/problem+json"))
                .header("WWW-Authenticate", "Bearer");
        given().auth().oauth2(DevTokens.human("alice", List.of("finance-ops"), Duration.ofMinutes(5)))
                .contentType("application/json").body("{\"actionType\":\"refund.issue\"}")
                .post("/v1/actions").then().statusCode(403).contentType(startsWith("application/problem+json"))
                .body("detail", containsString("Only agents"));
        // nor is any action's state shown
        given().get("/v1/actions/act-" + UUID.randomUUID()).then().statusCode(401).contentType(startsWith("application/problem+json"));
        given().auth().oauth2(DevTokens.human("alice", List.of("finance-ops"), Duration.ofMinutes(5)))
                .get("/v1/actions/act-" + UUID.randomUUID()).then().statusCode(403).contentType(startsWith("application/problem+json"))
                .body("detail", containsString("Only agents"));
    }

    @jakarta.inject.Inject
    dev.orgos.gateway.identity.VerifiedTokens verifiedTokens;

    @Test
    void aTokenVerifiedOnceIsStillRefusedOnceItExpiresAndAForgedOneIsNeverTrusted() {
        // DevTokens signs with whole seconds: a token valid for 3 s expires within 3 s of now (the test
        // profile's clock skew is 1 s, where the default 60 s would make this test wait a minute)
        String shortLived = DevTokens.agent("refund-bot", Duration.ofSeconds(3));
        int before = verifiedTokens.size();
        given().auth().oauth2(shortLived).get("/v1/actions/act-" + UUID.randomUUID()).then().statusCode(404);
        assertEquals(before + 1, verifiedTokens.size(), "the verified token is remembered");
        given().auth().oauth2(shortLived).get("/v1/actions/act-" + UUID.randomUUID()).then().statusCode(404); // remembered
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() ->
                given().auth().oauth2(shortLived).get("/v1/actions/act-" + UUID.randomUUID()).then().extract().statusCode() == 401);

        int known = verifiedTokens.size();
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"price-bot\",\"groups\":[\"agent\"],\"iss\":\"https://orgos.dev/development-only\",\"exp\":4102444800}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
        given().auth().oauth2(forged).contentType("application/json").body("{\"actionType\":\"refund.issue\"}")
                .post("/v1/actions").then().statusCode(401);
        given().auth().oauth2(forged).get("/v1/actions/act-" + UUID.randomUUID()).then().statusCode(401);
        assertEquals(known, verifiedTokens.size(), "a token that failed verification is not remembered");
    }
}
