package dev.orgos.gateway.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.testing.OrgosInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The statements on the hot path against the real PostgreSQL. Two ways they can go wrong without any
 * call failing, so that only the time shows it: a statement that cannot run as a batch (each call
 * then runs alone, which the batcher's failure count shows), and one that PostgreSQL cannot type by
 * itself (each execution then pays a refused prepare first).
 */
@QuarkusTest
@QuarkusTestResource(value = OrgosInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "orgos_gateway"))
class ActionStoreIT {

    @Inject
    ActionStore store;

    @Inject
    io.vertx.mutiny.pgclient.PgPool db;

    @Test
    void everyStatementOnTheHotPathPreparesWithoutBeingToldItsParameterTypes() {
        // A statement PostgreSQL cannot type by itself is refused at its first prepare; the client then
        // prepares it again with types of its own, and that worked, so nothing failed: each execution
        // just cost a refused round trip more (the claim did, until its parameters were cast)
        for (String sql : ActionStore.HOT_STATEMENTS) {
            String refused = db.withConnection(c -> c.query("PREPARE orgos_type_check AS " + sql).execute()
                            .chain(() -> c.query("DEALLOCATE orgos_type_check").execute())
                            .map(done -> (String) null)
                            .onFailure().recoverWithItem(Throwable::getMessage))
                    .await().atMost(Duration.ofSeconds(10));
            assertEquals(null, refused, "prepared without parameter types: " + sql);
        }
    }

    @Test
    void concurrentClaimsAndAcceptancesRunAsBatchesAndARetryKnowsADecidedActionIsOnTheBroker() {
        long failedBefore = store.failedBatches();
        String agent = "batch-bot-" + UUID.randomUUID();
        Instant now = Instant.now();
        // as the gateway runs, traced
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        // the first call goes alone; the others queue behind its round trip and go as one batch
        List<String> ids = IntStream.range(0, 12).mapToObj(i -> "act-" + UUID.randomUUID()).toList();
        List<ActionStore.Claim> claims = all(ids.stream()
                .map(id -> store.claim(agent, "key-" + id, "hash-" + id, id, "refund.issue", trace, now)).toList());
        assertTrue(claims.stream().allMatch(ActionStore.Claim::fresh), "each key claimed once: " + claims);

        List<ActionStore.Claim> early = all(ids.stream()
                .map(id -> store.claim(agent, "key-" + id, "hash-" + id, id, "refund.issue", trace, now)).toList());
        assertTrue(early.stream().noneMatch(c -> c.fresh() || c.sent()),
                "undecided, the database cannot say the broker has them (only the replica that sent them knows): " + early);
        // half of them decided: from then on their state says they reached the broker
        store.applyAll(ids.subList(0, 6).stream().map(id -> verdict(id, agent)).toList()).await().atMost(Duration.ofSeconds(10));
        List<ActionStore.Claim> retries = all(ids.stream()
                .map(id -> store.claim(agent, "key-" + id, "hash-" + id, id, "refund.issue", trace, now)).toList());
        for (int i = 0; i < ids.size(); i++) {
            ActionStore.Claim retry = retries.get(i);
            assertFalse(retry.fresh());
            assertEquals(ids.get(i), retry.actionId());
            assertTrue(retry.sameRequest(), "a retry finds its original: " + retry);
            assertEquals(i < 6, retry.sent(), "known to be on the broker once decided: " + retry);
        }

        String stranger = "other-bot-" + UUID.randomUUID();
        ActionStore.Claim taken = all(List.of(store.claim(stranger, "k", "h", ids.get(0), "refund.issue", null, now),
                store.claim(stranger, "k2", "h", ids.get(1), "refund.issue", null, now))).get(0);
        assertEquals(agent, taken.takenBy(), "another agent's action id is refused in a batch too");

        List<String> plain = IntStream.range(0, 12).mapToObj(i -> "act-" + UUID.randomUUID()).toList();
        all(plain.stream().map(id -> store.accepted(id, agent, "refund.issue", trace, now)).toList());
        plain.forEach(id -> assertEquals("PENDING", store.find(id).await().atMost(Duration.ofSeconds(10)).status()));

        assertEquals(failedBefore, store.failedBatches(), "every batch ran as a batch, none fell back to one statement per call");
    }

    @Inject
    StateChanges changes;

    /**
     * What replicas tell one another: a batch of verdicts is announced in one notice naming its
     * actions, after its commit, and a notice naming several actions, as another replica sends it,
     * wakes the watchers of each here.
     */
    @Test
    void appliedVerdictsAreAnnouncedToEveryReplicaAndANoticeNamingSeveralWakesEachWatcher() throws Exception {
        var infra = OrgosInfrastructure.endpoints(null);
        try (var listener = java.sql.DriverManager.getConnection(infra.jdbcUrl("orgos_gateway"), infra.pgUser(), infra.pgPassword())) {
            listener.createStatement().execute("LISTEN " + StateChanges.CHANNEL);
            String agent = "notice-bot-" + UUID.randomUUID();
            List<String> ids = IntStream.range(0, 3).mapToObj(i -> "act-" + UUID.randomUUID()).toList();
            all(ids.stream().map(id -> store.accepted(id, agent, "refund.issue", null, Instant.now())).toList());
            List<dev.orgos.schema.Verdict> verdicts = ids.stream().map(id -> verdict(id, agent)).toList();
            assertEquals(3, store.applyAll(verdicts).await().atMost(Duration.ofSeconds(10)).size());

            var pg = listener.unwrap(org.postgresql.PGConnection.class);
            List<String> notices = new java.util.ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                var arrived = pg.getNotifications(200);
                if (arrived != null) {
                    java.util.Arrays.stream(arrived).map(org.postgresql.PGNotification::getParameter).forEach(notices::add);
                }
                return notices.stream().anyMatch(n -> StateChanges.actionIds(n).containsAll(ids));
            });
            assertTrue(notices.stream().anyMatch(n -> StateChanges.actionIds(n).equals(ids.stream().sorted().toList())),
                    "one notice names the whole batch, in the order it was applied: " + notices);

            // as another replica announces its batch: every watcher of a named action here is woken
            List<String> elsewhere = List.of("act-" + UUID.randomUUID(), "act-" + UUID.randomUUID());
            var watches = elsewhere.stream().map(changes::watch).toList();
            try (var st = listener.prepareStatement("SELECT pg_notify(?, ?)")) {
                st.setString(1, StateChanges.CHANNEL);
                st.setString(2, String.join(" ", elsewhere));
                st.execute();
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> watches.stream().allMatch(StateChanges.Watch::noticed));
            watches.forEach(StateChanges.Watch::cancel);
        }
    }

    private static dev.orgos.schema.Verdict verdict(String actionId, String agent) {
        return dev.orgos.schema.Verdict.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setActionId(actionId).setAgentId(agent).setOccurredAt(Instant.now())
                .setStatus(dev.orgos.schema.VerdictStatus.AUTONOMOUS)
                .setAnchor(dev.orgos.schema.AnchorRef.newBuilder().setRole("finance-ops").setPerson(null).build())
                .setDecidedBy(List.of()).setReason("within limits").setCharterVersion(1).build();
    }

    /** Waits for each of calls started all at once (so that they could share round trips). */
    private static <T> List<T> all(List<? extends java.util.concurrent.CompletionStage<T>> started) {
        return started.stream().map(f -> f.toCompletableFuture().orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join()).toList();
    }
}
