package dev.orgos.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.gateway.identity.ApiKeys;
import dev.orgos.infra.DevTokens;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.Topics;
import dev.orgos.testing.OrgosInfrastructure;
import dev.orgos.testing.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Agents that cannot hold a JWT use API keys, issued and revoked by an admin; the key decides who the agent is. */
@QuarkusTest
@QuarkusTestResource(value = OrgosInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "orgos_gateway"))
class ApiKeyIT {

    final TopicProbe kafka = new TopicProbe(OrgosInfrastructure.endpoints(null));
    final String admin = DevTokens.human("erin", List.of("orgos-admin"), Duration.ofMinutes(10));

    String issue(String agentId) {
        return given().auth().oauth2(admin).contentType("application/json")
                .body("{\"agentId\":\"" + agentId + "\",\"description\":\"nightly refund job\"}")
                .when().post("/v1/api-keys")
                .then().statusCode(201).body("agentId", equalTo(agentId)).body("apiKey", startsWith("orgos_ak_"))
                .extract().path("apiKey");
    }

    static String action(String id) {
        return "{\"actionId\":\"" + id + "\",\"actionType\":\"refund.issue\",\"amount\":20,\"confidence\":0.95}";
    }

    @Test
    void anActionSubmittedWithAnApiKeyIsTheKeysAgentsAndOnlyThatAgentSeesIt() {
        String key = issue("key-bot");
        String id = "key-" + UUID.randomUUID();
        given().header("X-API-Key", key).contentType("application/json").body(action(id))
                .when().post("/v1/actions").then().statusCode(202);
        ActionProposed sent = kafka.<ActionProposed>await(Topics.ACTIONS.topic(), r -> r.value() != null && r.value().getActionId().equals(id),
                l -> !l.isEmpty(), Duration.ofSeconds(20)).get(0).value();
        assertEquals("key-bot", sent.getAgentId());
        assertEquals("key-bot", kafka.<ActionProposed>readAll(Topics.ACTIONS.topic(),
                r -> r.value() != null && r.value().getActionId().equals(id)).get(0).key());

        given().header("X-API-Key", key).when().get("/v1/actions/" + id).then().statusCode(200).body("status", equalTo("PENDING"));
        // another agent, with a key of its own, does not see it
        given().header("X-API-Key", issue("other-key-bot")).when().get("/v1/actions/" + id).then().statusCode(404);
        // the key's agent cannot be overridden from the body
        given().header("X-API-Key", key).contentType("application/json")
                .body("{\"actionType\":\"refund.issue\",\"agentId\":\"someone-else\"}")
                .when().post("/v1/actions").then().statusCode(400).body("errors.field", hasItem("agentId"));
    }

    @Test
    void unknownMalformedAndRevokedKeysAreRefusedWithAProblemDetail() {
        String key = issue("revoked-bot");
        String keyId = key.substring("orgos_ak_".length(), "orgos_ak_".length() + 16);
        given().header("X-API-Key", key).contentType("application/json").body(action("rev-" + UUID.randomUUID()))
                .when().post("/v1/actions").then().statusCode(202);

        given().auth().oauth2(admin).when().delete("/v1/api-keys/" + keyId).then().statusCode(204);
        given().auth().oauth2(admin).when().delete("/v1/api-keys/" + keyId).then().statusCode(404);
        given().header("X-API-Key", key).contentType("application/json").body(action("rev-" + UUID.randomUUID()))
                .when().post("/v1/actions").then().statusCode(401)
                .contentType("application/problem+json").body("title", equalTo("Unauthorized"));

        // a forged secret for a real key id, and something that is not a key at all
        String forged = key.substring(0, key.length() - 4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");
        given().header("X-API-Key", forged).when().get("/v1/actions/x").then().statusCode(401);
        given().header("X-API-Key", "let-me-in").when().get("/v1/actions/x").then().statusCode(401);
        // a JWT that is not one is refused the same way
        given().auth().oauth2("not.a.jwt").when().get("/v1/actions/x").then().statusCode(401)
                .contentType("application/problem+json");

        given().auth().oauth2(admin).queryParam("agentId", "revoked-bot").when().get("/v1/api-keys")
                .then().statusCode(200).body("[0].revokedBy", equalTo("erin")).body("[0].createdBy", equalTo("erin"))
                .body("[0]", not(org.hamcrest.Matchers.hasKey("apiKey")));
    }

    @Test
    void onlyAdminsIssueKeysAndARequestWithoutAnAgentIsRefusedNamingTheField() {
        given().auth().oauth2(DevTokens.agent("refund-bot", Duration.ofMinutes(5))).contentType("application/json")
                .body("{\"agentId\":\"refund-bot\"}").when().post("/v1/api-keys").then().statusCode(403);
        given().header("X-API-Key", issue("sneaky-bot")).contentType("application/json")
                .body("{\"agentId\":\"sneaky-bot\"}").when().post("/v1/api-keys").then().statusCode(403);
        given().auth().oauth2(admin).contentType("application/json").body("{\"description\":\"no agent\"}")
                .when().post("/v1/api-keys").then().statusCode(400).body("errors.field", hasItem("agentId"));
        // ids no action could carry: refused when the key is asked for, not on every submission after
        for (String id : List.of("billing@corp", "_job", "a".repeat(129))) {
            given().auth().oauth2(admin).contentType("application/json").body("{\"agentId\":\"" + id + "\"}")
                    .when().post("/v1/api-keys").then().statusCode(400).body("errors.field", hasItem("agentId"));
        }
        given().contentType("application/json").body("{\"agentId\":\"x\"}").when().post("/v1/api-keys").then().statusCode(401);
    }

    /**
     * A key the gateway cannot check (here the keys' table held by another transaction, opened by
     * hand, so that the lookup waits until the database cancels it) is not a refused key: the agent is
     * told to come back (503 with Retry-After), not that its credential is bad, and a later request
     * with the same key goes through.
     */
    @Test
    void aKeyTheDatabaseCannotCheckInTimeIsAnsweredWith503NotWith401() throws Exception {
        String key = issue("patient-bot");
        var infra = OrgosInfrastructure.endpoints(null);
        try (var lock = java.sql.DriverManager.getConnection(infra.jdbcUrl("orgos_gateway"), infra.pgUser(), infra.pgPassword())) {
            lock.setAutoCommit(false);
            try (var st = lock.createStatement()) {
                st.execute("LOCK TABLE agent_api_key IN ACCESS EXCLUSIVE MODE");
            }
            given().header("X-API-Key", key).contentType("application/json").body(action("wait-" + UUID.randomUUID()))
                    .when().post("/v1/actions").then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                    .body("detail", org.hamcrest.Matchers.containsString("API key"));
            // the same on the REST layer's endpoints as on the plain routes'
            given().header("X-API-Key", key).contentType("application/json").body("{\"status\":\"EXECUTED\"}")
                    .when().post("/v1/actions/nothing-here/outcome").then().statusCode(503).contentType("application/problem+json");
            lock.rollback();
        }
        given().header("X-API-Key", key).contentType("application/json").body(action("wait-" + UUID.randomUUID()))
                .when().post("/v1/actions").then().statusCode(202);
    }

    @jakarta.inject.Inject
    ApiKeys keys;

    int submit(String key) {
        return given().header("X-API-Key", key).contentType("application/json").body(action("mem-" + UUID.randomUUID()))
                .when().post("/v1/actions").then().extract().statusCode();
    }

    java.sql.Connection database() throws java.sql.SQLException {
        var infra = OrgosInfrastructure.endpoints(null);
        return java.sql.DriverManager.getConnection(infra.jdbcUrl("orgos_gateway"), infra.pgUser(), infra.pgPassword());
    }

    /**
     * A key checked once is answered from memory (the table locked, the request still passes), and
     * revoked by hand in the database, as another replica or an operator would, it is refused here
     * within seconds: the replica hears of it, it does not wait for its memory to run out (60 s).
     */
    @Test
    void aRememberedKeyIsNotLookedUpAgainAndARevocationAnywhereEndsItAtOnce() throws Exception {
        String key = issue("remembered-bot");
        String keyId = key.substring("orgos_ak_".length(), "orgos_ak_".length() + 16);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(keys::hearing);
        assertEquals(202, submit(key));
        try (var db = database()) {
            db.setAutoCommit(false);
            try (var st = db.createStatement()) {
                st.execute("LOCK TABLE agent_api_key IN ACCESS EXCLUSIVE MODE");
            }
            assertEquals(202, submit(key), "the keys' table cannot be read: the key was answered from memory");
            db.rollback();
            db.setAutoCommit(true);
            try (var st = db.prepareStatement("UPDATE agent_api_key SET revoked_at = now(), revoked_by = 'dba' WHERE key_id = ?")) {
                st.setString(1, keyId);
                assertEquals(1, st.executeUpdate());
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> submit(key) == 401);
        assertEquals(401, submit(key));
    }

    /** A replica whose listening connection drops may miss a revocation: it forgets every key and listens again. */
    @Test
    void aReplicaThatStopsHearingOfRevocationsForgetsEveryKeyAndListensAgain() throws Exception {
        String key = issue("forgetful-bot");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> keys.hearing() && listeners(ApiKeys.CHANNEL) == 1);
        assertEquals(202, submit(key));
        assertTrue(keys.remembered() > 0);
        try (var db = database(); var st = db.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND query = 'LISTEN " + ApiKeys.CHANNEL + "'");
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> keys.remembered() == 0);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> keys.hearing() && listeners(ApiKeys.CHANNEL) == 1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> submit(key) == 202 && keys.remembered() > 0);
    }

    int listeners(String channel) throws java.sql.SQLException {
        try (var db = database(); var st = db.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN "
                     + channel + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
