package dev.orgos.escalation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.isOneOf;

import dev.orgos.infra.DevTokens;
import dev.orgos.testing.OrgosInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The anchors and charter versions in force, as the console shows them, from the charters topic. */
@QuarkusTest
@QuarkusTestResource(value = OrgosInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "orgos_escalation"))
class DirectoryIT {

    final String auditor = DevTokens.human("ivan", List.of("auditor"), Duration.ofMinutes(10));

    @Test
    void anchorsShowWhoIsOnCallNowAndTheChainAnEscalationClimbs() {
        given().auth().oauth2(auditor).get("/v1/anchors").then().statusCode(200)
                .body("find { it.id == 'finance-ops' }.onCallNow", isOneOf("alice", "bob"))
                .body("find { it.id == 'finance-ops' }.members", equalTo(List.of("alice", "bob")))
                .body("find { it.id == 'finance-ops' }.chain", equalTo(List.of("finance-ops", "cfo-office", "governance-board")))
                .body("find { it.id == 'finance-ops' }.acknowledgeWithin", equalTo("PT15M"))
                .body("findAll { it.isDefault }.id", hasItem("governance-board"));
    }

    @Test
    void everyPublishedCharterVersionIsListedAndReadableAsReviewed() {
        given().auth().oauth2(auditor).get("/v1/charters").then().statusCode(200)
                .body("find { it.id == 'acme-retail' && it.version == 1 }.inForce", equalTo(true))
                .body("find { it.id == 'acme-retail' && it.version == 1 }.digest", containsString("sha256:"));
        given().auth().oauth2(auditor).get("/v1/charters/acme-retail/1").then().statusCode(200)
                .body("document", containsString("pathways:")).body("publishedBy", org.hamcrest.Matchers.notNullValue());
        given().auth().oauth2(auditor).get("/v1/charters/acme-retail/999").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/v1/anchors").then().statusCode(401);
    }
}
