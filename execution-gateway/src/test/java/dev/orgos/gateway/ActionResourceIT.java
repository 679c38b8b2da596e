package dev.orgos.gateway;

import static io.restassured.RestAssured.given;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = OrgosInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "orgos_gateway"))
class ActionResourceIT {

    final TopicProbe kafka = new TopicProbe(OrgosInfrastructure.endpoints(null));
    final String token = DevTokens.agent("refund-bot", Duration.ofMinutes(10));

    @Test
    void acceptedActionReachesKafkaAsAvroUnderTheTokensAgentId() {
        String id = "act-" + UUID.randomUUID();
        given().auth().oauth2(token).contentType("application/json")
                .body("{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":120,\"confidence\":0.95,"
                        + "\"parameters\":{\"orderId\":\"o-9\",\"items\":3}}")
                .when().post("/v1/actions")
                .then().statusCode(202).header("Location", org.hamcrest.Matchers.endsWith("/v1/actions/" + id)).body("status", equalTo("PENDING"));

        ActionProposed sent = kafka.<ActionProposed>await(Topics.ACTIONS.topic(), r -> r.value() != null && r.value().getActionId().equals(id),
                l -> !l.isEmpty(), Duration.ofSeconds(20)).get(0).value();
        assertEquals("refund-bot", sent.getAgentId());
        assertEquals(3L, sent.getParameters().get("items"));

        given().auth().oauth2(token).when().get("/v1/actions/" + id)
                .then().statusCode(200).body("status", equalTo("PENDING")).body("mayProceed", equalTo(false));
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

    @Test
    void withoutAnAgentTokenNothingIsAccepted() {
        given().contentType("application/json").body("{\"actionType\":\"refund.issue\"}")
                .post("/v1/actions").then().statusCode(401);
        given().auth().oauth2(DevTokens.human("alice", List.of("finance-ops"), Duration.ofMinutes(5)))
                .contentType("application/json").body("{\"actionType\":\"refund.issue\"}")
                .post("/v1/actions").then().statusCode(403);
    }
}
