package dev.orgos.escalation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.escalation.task.EscalationClock;
import dev.orgos.infra.DevTokens;
import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.FactType;
import dev.orgos.schema.Topics;
import dev.orgos.schema.Verdict;
import dev.orgos.schema.VerdictStatus;
import dev.orgos.testing.OrgosInfrastructure;
import dev.orgos.testing.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every deadline path, with the service's clock moved forward instead of waiting. */
@QuarkusTest
@QuarkusTestResource(value = OrgosInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "orgos_escalation"))
@QuarkusTestResource(WebhookReceiver.class)
class DeadlineIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    final TopicProbe kafka = new TopicProbe(OrgosInfrastructure.endpoints(null));

    @AfterEach
    void closeProbe() {
        kafka.close();
    }

    final String alice = DevTokens.human("alice", List.of("finance-ops"), Duration.ofHours(48));
    final String carol = DevTokens.human("carol", List.of("cfo-office"), Duration.ofHours(48));
    final String olivia = DevTokens.human("olivia", List.of("governance-board"), Duration.ofHours(48));

    @Inject
    EscalationClock clock;

    String open(String token) {
        String actionId = "act-" + UUID.randomUUID();
        kafka.send(Topics.ESCALATION_REQUESTS.topic(), actionId, EscalationLifecycleIT.raised(actionId, 1));
        return Awaitility.await().atMost(WAIT).until(() -> {
            List<String> ids = given().auth().oauth2(token).get("/v1/escalations").then().statusCode(200).extract().jsonPath()
                    .getList("findAll { it.actionId == '" + actionId + "' }.id");
            return ids.isEmpty() ? null : ids.get(0);
        }, id -> id != null);
    }

    JsonPath task(String id, String token) {
        return given().auth().oauth2(token).get("/v1/escalations/" + id).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void unacknowledgedEscalationsClimbTheChainAndExpireAtTheTopWithARejection() {
        String id = open(alice);
        String actionId = task(id, alice).getString("actionId");

        clock.advance(Duration.ofMinutes(16)); // finance-ops must acknowledge within 15 minutes; the sweeper runs every second
        Awaitility.await().atMost(WAIT).until(() -> given().auth().oauth2(carol).get("/v1/escalations/" + id).statusCode() == 200);
        JsonPath atCfo = task(id, carol);
        assertEquals("cfo-office", atCfo.getString("anchor"));
        assertEquals(1, atCfo.getInt("level"));
        assertEquals("carol", atCfo.getString("assignee"));
        // alice no longer holds the task's anchor role: she may not decide it any more
        given().auth().oauth2(alice).contentType("application/json").body("{}").post("/v1/escalations/" + id + "/approve")
                .then().statusCode(403);

        given().auth().oauth2(carol).post("/v1/escalations/" + id + "/acknowledge").then().statusCode(200)
                .body("status", equalTo("ACKNOWLEDGED"));
        clock.advance(Duration.ofHours(9)); // acknowledged, but not resolved within cfo-office's 8 hours
        Awaitility.await().atMost(WAIT).until(() -> given().auth().oauth2(olivia).get("/v1/escalations/" + id).statusCode() == 200);
        assertEquals("governance-board", task(id, olivia).getString("anchor"));

        clock.advance(Duration.ofHours(3)); // governance-board is the top: 2 hours to acknowledge, then it expires
        Awaitility.await().atMost(WAIT).until(() -> "EXPIRED".equals(task(id, olivia).getString("status")));
        JsonPath expired = task(id, olivia);
        assertEquals("EXPIRED", expired.getString("status"));
        assertTrue(expired.getList("history.kind").containsAll(List.of("ASSIGNED", "ESCALATED", "ACKNOWLEDGED", "EXPIRED")));

        Verdict verdict = kafka.<Verdict>await(Topics.VERDICTS.topic(),
                r -> r.value().getActionId().equals(actionId) && r.value().getStatus() == VerdictStatus.EXPIRED, l -> !l.isEmpty(), WAIT)
                .get(0).value();
        assertTrue(verdict.getReason().contains("Silence is never consent"), verdict.getReason());
        var facts = kafka.<AccountabilityFact>await(Topics.FACTS.topic(), r -> actionId.equals(r.value().getActionId()),
                l -> l.stream().anyMatch(r -> r.value().getFactType() == FactType.VERDICT_ISSUED), WAIT);
        // alice's attempt after the task left her anchor is on the record too
        assertEquals(List.of(FactType.ESCALATION_ASSIGNED, FactType.ESCALATION_ESCALATED, FactType.AUTHORIZATION_REFUSED,
                FactType.ESCALATION_ACKNOWLEDGED, FactType.ESCALATION_ESCALATED, FactType.ESCALATION_RESOLVED, FactType.VERDICT_ISSUED),
                facts.stream().map(r -> r.value().getFactType()).toList());
        assertEquals("governance-board", facts.get(5).value().getAnchor().getRole());
        // an expired escalation can no longer be approved by anyone
        given().auth().oauth2(olivia).contentType("application/json").body("{}").post("/v1/escalations/" + id + "/approve")
                .then().statusCode(409);
    }

    @Test
    void aTaskIsReassignedWithinItsAnchorOrUpTheChainAndCommented() {
        String id = open(alice);
        given().auth().oauth2(alice).contentType("application/json").body("{\"to\":\"bob\",\"reason\":\"I am off tomorrow\"}")
                .post("/v1/escalations/" + id + "/reassign").then().statusCode(200).body("assignee", equalTo("bob"));
        given().auth().oauth2(alice).contentType("application/json").body("{\"to\":\"mallory\"}")
                .post("/v1/escalations/" + id + "/reassign").then().statusCode(409);
        given().auth().oauth2(alice).contentType("application/json").body("{\"text\":\"Checked the order history: fine.\"}")
                .post("/v1/escalations/" + id + "/comments").then().statusCode(200);
        given().auth().oauth2(alice).contentType("application/json").body("{}")
                .post("/v1/escalations/" + id + "/comments").then().statusCode(400).body("errors[0].field", equalTo("text"));
        given().auth().oauth2(alice).contentType("application/json").body("{\"up\":true,\"reason\":\"above my limit\"}")
                .post("/v1/escalations/" + id + "/reassign").then().statusCode(200).body("anchor", equalTo("cfo-office"));
        JsonPath t = task(id, carol);
        assertTrue(t.getList("history.kind").containsAll(List.of("REASSIGNED", "COMMENT", "ESCALATED")));
        assertTrue(t.getList("history.detail").contains("Checked the order history: fine."));
    }

    @Test
    void assignmentsAreSentToTheWebhookSignedAndRetried() throws Exception {
        String id = open(alice);
        var delivery = Awaitility.await().atMost(WAIT).until(() -> WebhookReceiver.RECEIVED.stream()
                .filter(d -> new String(d.body(), StandardCharsets.UTF_8).contains(id)).findFirst().orElse(null), d -> d != null);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(WebhookReceiver.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertEquals("sha256=" + HexFormat.of().formatHex(mac.doFinal(delivery.body())), delivery.signature());
        assertTrue(WebhookReceiver.REFUSED.get() >= 2, "the first delivery was refused and retried");
        given().auth().oauth2(alice).get("/v1/escalations").then().body("id", hasItem(id));
    }
}
