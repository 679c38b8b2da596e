package dev.orgos.ledger;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.governance.ledger.LedgerChain;
import dev.orgos.infra.DevTokens;
import dev.orgos.infra.Endpoints;
import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.AnchorRef;
import dev.orgos.schema.DeadLetter;
import dev.orgos.schema.FactType;
import dev.orgos.schema.LedgerEntry;
import dev.orgos.schema.Topics;
import dev.orgos.testing.OrgosInfrastructure;
import dev.orgos.testing.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.ByteBuffer;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = OrgosInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "orgos_ledger"))
class LedgerIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    final Endpoints endpoints = OrgosInfrastructure.endpoints(null);
    final TopicProbe kafka = new TopicProbe(endpoints);

    @AfterEach
    void closeProbe() {
        kafka.close();
    }

    final String auditor = DevTokens.human("ivan", List.of("auditor"), Duration.ofMinutes(10));

    static AccountabilityFact fact(String eventId, String actionId, FactType type, String role) {
        return AccountabilityFact.newBuilder().setEventId(eventId).setActionId(actionId).setAgentId("refund-bot")
                .setOccurredAt(Instant.now()).setFactType(type).setSource("test")
                .setAnchor(AnchorRef.newBuilder().setRole(role).setPerson(null).build()).setPathwayId("refunds")
                .setCharterVersion(1L).setCharterDigest("sha256:x").setTraceId("0af7651916cd43dd8448eb211c80319c")
                .setSummary(type + " for " + actionId).setDetails(Map.of("k", "v")).build();
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** Sends the fact and waits until the auditors' API serves it: sealed, and in the database's copy. */
    void sealAndStore(AccountabilityFact fact) {
        kafka.send(Topics.FACTS.topic(), fact.getActionId(), fact);
        Awaitility.await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(auditor).queryParam("actionId", fact.getActionId())
                .get("/v1/ledger/entries").then().body("fact.eventId", org.hamcrest.Matchers.hasItem(fact.getEventId())));
    }

    /**
     * Has more facts sealed than the writer remembers (the tests' window is 20), then sends
     * {@code copy} and a verdict fact for its action to wait for; answers the entries sealed for the
     * copy's action once the verdict's is. The copy is sent only once the others are sealed: in
     * their batch, it would still be found among the ids the window held when the batch began.
     */
    List<LedgerEntry> sendLateThenAwait(AccountabilityFact copy) {
        String filler = "act-" + UUID.randomUUID();
        kafka.sendAll(Topics.FACTS.topic(), java.util.stream.IntStream.range(0, 30)
                .mapToObj(i -> Map.entry(filler, fact(UUID.randomUUID().toString(), filler, FactType.VERDICT_ISSUED, "finance-ops"))).toList());
        kafka.await(Topics.LEDGER.topic(), r -> filler.equals(((LedgerEntry) r.value()).getActionId()), l -> l.size() == 30, WAIT);
        String actionId = copy.getActionId();
        kafka.sendAll(Topics.FACTS.topic(), List.of(Map.entry(actionId, copy),
                Map.entry(actionId, fact(UUID.randomUUID().toString(), actionId, FactType.VERDICT_ISSUED, "finance-ops"))));
        return kafka.<LedgerEntry>await(Topics.LEDGER.topic(), r -> actionId.equals(r.value().getActionId()),
                l -> l.stream().anyMatch(r -> r.value().getFactType() == FactType.VERDICT_ISSUED), WAIT).stream().map(r -> r.value()).toList();
    }

    java.sql.Connection database() throws SQLException {
        return DriverManager.getConnection(endpoints.jdbcUrl("orgos_ledger"), endpoints.pgUser(), endpoints.pgPassword());
    }

    @Test
    void factsAreSealedOnceInOrderIntoAVerifiableChainAndServedToAuditors() {
        String actionId = "act-" + UUID.randomUUID();
        String decided = UUID.randomUUID().toString();
        kafka.send(Topics.FACTS.topic(), actionId, fact(decided, actionId, FactType.ACTION_DECIDED, "finance-ops"));
        kafka.send(Topics.FACTS.topic(), actionId, fact(decided, actionId, FactType.ACTION_DECIDED, "finance-ops")); // duplicate
        kafka.send(Topics.FACTS.topic(), actionId, fact("", actionId, FactType.VERDICT_ISSUED, "")); // no anchor: refused
        kafka.send(Topics.FACTS.topic(), actionId, fact(UUID.randomUUID().toString(), actionId, FactType.VERDICT_ISSUED, "finance-ops"));

        List<LedgerEntry> all = kafka.<LedgerEntry>await(Topics.LEDGER.topic(), r -> true,
                l -> l.stream().anyMatch(r -> actionId.equals(r.value().getActionId()) && r.value().getFactType() == FactType.VERDICT_ISSUED),
                WAIT).stream().map(r -> r.value()).toList();
        // the whole chain, from genesis, links and recomputes
        byte[] previous = LedgerChain.GENESIS;
        for (int i = 0; i < all.size(); i++) {
            LedgerEntry e = all.get(i);
            assertEquals(i, e.getSequence(), "sequence without gaps");
            assertArrayEquals(previous, bytes(e.getPreviousHash()), "link at " + i);
            assertArrayEquals(LedgerChain.hash(e.getSequence(), e.getSealedAt().toEpochMilli(), previous, bytes(e.getFact())),
                    bytes(e.getEntryHash()), "hash at " + i);
            previous = bytes(e.getEntryHash());
        }
        List<LedgerEntry> mine = all.stream().filter(e -> actionId.equals(e.getActionId())).toList();
        assertEquals(List.of(FactType.ACTION_DECIDED, FactType.VERDICT_ISSUED), mine.stream().map(LedgerEntry::getFactType).toList());

        kafka.<DeadLetter>await(Topics.DEAD_LETTERS.topic(), r -> actionId.equals(r.key())
                && r.value().getReason().contains("no accountable human anchor"), l -> !l.isEmpty(), WAIT);

        Awaitility.await().atMost(WAIT).untilAsserted(() ->
                given().auth().oauth2(auditor).queryParam("actionId", actionId).get("/v1/ledger/entries")
                        .then().statusCode(200).body("size()", equalTo(2))
                        .body("[0].factType", equalTo("ACTION_DECIDED")).body("[0].anchorRole", equalTo("finance-ops"))
                        .body("[0].fact.eventId", equalTo(decided))
                        .body("[0].traceId", equalTo("0af7651916cd43dd8448eb211c80319c")));
        // a person who is not an auditor reads only the entries that name them; an agent reads none
        AccountabilityFact byAlice = AccountabilityFact.newBuilder(fact(UUID.randomUUID().toString(), actionId, FactType.ESCALATION_RESOLVED,
                "finance-ops")).setAnchor(AnchorRef.newBuilder().setRole("finance-ops").setPerson("alice").build()).build();
        kafka.send(Topics.FACTS.topic(), actionId, byAlice);
        String alice = DevTokens.human("alice", List.of("finance-ops"), Duration.ofMinutes(1));
        Awaitility.await().atMost(WAIT).untilAsserted(() ->
                given().auth().oauth2(alice).queryParam("actionId", actionId).get("/v1/ledger/entries")
                        .then().statusCode(200).body("size()", equalTo(1)).body("[0].factType", equalTo("ESCALATION_RESOLVED"))
                        .body("[0].anchorPerson", equalTo("alice")));
        given().auth().oauth2(DevTokens.human("bob", List.of("finance-ops"), Duration.ofMinutes(1))).queryParam("actionId", actionId)
                .get("/v1/ledger/entries").then().statusCode(200).body("size()", equalTo(0));
        given().auth().oauth2(DevTokens.agent("refund-bot", Duration.ofMinutes(1)))
                .get("/v1/ledger/entries").then().statusCode(403);
    }

    /**
     * Records the ledger cannot seal, or whose entries the broker or the database's copy would refuse at
     * every try, go to the dead-letter topic with the reason, and the facts behind them are sealed and
     * copied: before, a record of another contract failed every batch it was in, and the others stopped
     * sealing or the copy for good.
     */
    @Test
    void whatTheLedgerCannotSealOrCopyIsDeadLetteredAndSealingGoesOn() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        kafka.sendAs(Topics.FACTS.topic(), "verdict-" + run, dev.orgos.schema.Verdict.newBuilder().setEventId(UUID.randomUUID().toString())
                .setActionId("act-" + run).setAgentId("refund-bot").setOccurredAt(Instant.now())
                .setStatus(dev.orgos.schema.VerdictStatus.APPROVED).setAnchor(AnchorRef.newBuilder().setRole("finance-ops").build())
                .setDecidedBy(List.of("x")).setReason("not a fact").setCharterVersion(1).build(), Topics.VERDICTS.topic());
        kafka.send(Topics.FACTS.topic(), "long-id-" + run, fact("e".repeat(65), "act-" + run, FactType.ACTION_DECIDED, "finance-ops"));
        kafka.send(Topics.FACTS.topic(), "nul-" + run, fact(UUID.randomUUID().toString(), "act-\0" + run, FactType.ACTION_DECIDED, "finance-ops"));
        kafka.send(Topics.FACTS.topic(), "large-" + run, AccountabilityFact.newBuilder(fact(UUID.randomUUID().toString(), "act-" + run,
                FactType.OUTCOME_REPORTED, "finance-ops")).setSummary("x".repeat(600_000)).build());
        String actionId = "act-" + UUID.randomUUID();
        sealAndStore(fact(UUID.randomUUID().toString(), actionId, FactType.ACTION_DECIDED, "finance-ops"));

        Map<String, String> reasons = new java.util.HashMap<>();
        kafka.<DeadLetter>await(Topics.DEAD_LETTERS.topic(), r -> r.key() != null && r.key().endsWith("-" + run), l -> l.size() == 4, WAIT)
                .forEach(r -> reasons.put(r.key().substring(0, r.key().length() - run.length() - 1), r.value().getReason()));
        assertTrue(reasons.get("verdict").contains("Verdict, not an AccountabilityFact"), reasons.toString());
        assertTrue(reasons.get("long-id").contains("field 'eventId' is 65 characters long"), reasons.toString());
        assertTrue(reasons.get("nul").contains("field 'actionId' contains a NUL character"), reasons.toString());
        assertTrue(reasons.get("large").contains("more than the 524,288 a ledger entry may carry"), reasons.toString());
        assertTrue(kafka.<LedgerEntry>readAll(Topics.LEDGER.topic(), r -> r.value().getActionId() != null
                && r.value().getActionId().contains(run)).isEmpty(), "none of them is sealed");
    }

    @Test
    void aCopyArrivingAfterTheWindowOfRecentIdsIsFoundInTheDatabaseAndSealedOnce() {
        String actionId = "act-" + UUID.randomUUID();
        AccountabilityFact decided = fact(UUID.randomUUID().toString(), actionId, FactType.ACTION_DECIDED, "finance-ops");
        sealAndStore(decided);
        List<LedgerEntry> mine = sendLateThenAwait(decided); // an outbox publishing again after a crash
        assertEquals(List.of(FactType.ACTION_DECIDED, FactType.VERDICT_ISSUED), mine.stream().map(LedgerEntry::getFactType).toList(),
                "the copy is not sealed a second time");
        assertTrue(mine.get(1).getSequence() - mine.get(0).getSequence() > 20, "the copy came after the window had moved on");
        // the operator can see it
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("orgos_ledger_duplicates_ignored_total{found_in=\"database\"")
                && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 1), metrics);
        // and the database's copy holds each once too
        Awaitility.await().atMost(WAIT).untilAsserted(() ->
                given().auth().oauth2(auditor).queryParam("actionId", actionId).get("/v1/ledger/entries").then().body("size()", equalTo(2)));
    }

    @Test
    void theDatabaseCopyWouldTakeAFactSealedTwiceRatherThanStopAtIt() throws Exception {
        String actionId = "act-" + UUID.randomUUID();
        sealAndStore(fact(UUID.randomUUID().toString(), actionId, FactType.ACTION_DECIDED, "pricing"));
        try (var c = database()) {
            c.setAutoCommit(false);
            c.createStatement().execute("SET ROLE orgos_ledger_appender");
            // the same fact at another sequence, as the projection would insert it; rolled back, so nothing changes
            int copied = c.createStatement().executeUpdate("""
                    INSERT INTO ledger_entry (sequence, sealed_at, fact_event_id, fact_type, action_id, agent_id, anchor_role,
                        anchor_person, pathway_id, charter_version, charter_digest, trace_id, fact, previous_hash, entry_hash)
                    SELECT -1, sealed_at, fact_event_id, fact_type, action_id, agent_id, anchor_role, anchor_person, pathway_id,
                        charter_version, charter_digest, trace_id, fact, previous_hash, entry_hash
                    FROM ledger_entry WHERE action_id = '%s'""".formatted(actionId));
            assertEquals(1, copied, "the copy takes the doubled fact, and auditors' verification reports it");
            c.rollback();
        }
    }

    @Test
    void theDatabaseRefusesToChangeOrDeleteAnEntry() throws Exception {
        String actionId = "act-" + UUID.randomUUID();
        sealAndStore(fact(UUID.randomUUID().toString(), actionId, FactType.ACTION_DECIDED, "pricing"));
        try (var c = database()) {
            SQLException update = assertThrows(SQLException.class, () ->
                    c.createStatement().executeUpdate("UPDATE ledger_entry SET anchor_role = 'nobody' WHERE action_id = '" + actionId + "'"));
            assertTrue(update.getMessage().contains("append-only"), update.getMessage());
            assertThrows(SQLException.class, () -> c.createStatement().executeUpdate("DELETE FROM ledger_entry WHERE action_id = '" + actionId + "'"));
            // the role the service runs as has no UPDATE or DELETE privilege at all, trigger or not
            c.createStatement().execute("SET ROLE orgos_ledger_appender");
            SQLException denied = assertThrows(SQLException.class, () ->
                    c.createStatement().executeUpdate("DELETE FROM ledger_entry WHERE action_id = '" + actionId + "'"));
            assertTrue(denied.getMessage().contains("permission denied"), denied.getMessage());
        }
        given().auth().oauth2(auditor).queryParam("from", "2000-01-01T00:00:00Z").queryParam("actionId", actionId)
                .get("/v1/ledger/entries/between").then().statusCode(200).body("size()", equalTo(1));
        given().auth().oauth2(auditor).queryParam("from", "2999-01-01T00:00:00Z").queryParam("actionId", actionId)
                .get("/v1/ledger/entries/between").then().statusCode(200).body("size()", equalTo(0));
        given().auth().oauth2(auditor).queryParam("from", "yesterday")
                .get("/v1/ledger/entries/between").then().statusCode(400).body("errors[0].field", equalTo("from"));
    }
}
