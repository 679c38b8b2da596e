package dev.orgos.gateway.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StateChangesTest {

    // not started: no database to listen to, which these tests do not need
    final StateChanges changes = new StateChanges();
    final AwaitingDecision awaiting = new AwaitingDecision();

    {
        awaiting.memory = Duration.ofMinutes(1);
        changes.awaiting = awaiting;
    }

    static ActionView autonomous(String id) {
        return new ActionView(id, "refund-bot", "refund.issue", "AUTONOMOUS", true, true, "finance-ops", null, "in bounds",
                null, 1L, null, Instant.now(), Instant.now(), null, null);
    }

    @Test
    void aStateThisReplicaCommittedIsHandedToItsWatchersWithoutAnotherRead() {
        StateChanges.Watch watch = changes.watch("act-1");
        changes.decided(autonomous("act-1"));
        ActionView seen = watch.changed(Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(1));
        assertEquals("AUTONOMOUS", seen.status());
        assertTrue(watch.noticed());
    }

    @Test
    void aChangeOfStateHereOrOnAnotherReplicaEndsTheMemoryOfAnActionAwaitingItsDecision() {
        awaiting.acknowledged("act-5");
        awaiting.acknowledged("act-6");
        changes.decided(autonomous("act-5"));
        assertFalse(awaiting.remembers("act-5"), "decided here: a retry now reads its state");
        assertTrue(awaiting.remembers("act-6"));
        changes.changed("act-6 act-7");
        assertFalse(awaiting.remembers("act-6"), "a notice from another replica ends it too");
    }

    @Test
    void anotherActionsStateWakesNobodyAndTheWatchEndsEmptyHandedAfterItsTime() {
        StateChanges.Watch watch = changes.watch("act-2");
        changes.decided(autonomous("act-3"));
        assertNull(watch.changed(Duration.ofMillis(50)).await().atMost(Duration.ofSeconds(2)), "timed out: the caller reads");
        assertFalse(watch.noticed());
    }

    @Test
    void aWatchIsOverOnceAnsweredSoALaterStateIsNotHeldForIt() {
        StateChanges.Watch first = changes.watch("act-4");
        changes.decided(autonomous("act-4"));
        first.changed(Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(1));
        StateChanges.Watch second = changes.watch("act-4");
        assertNull(second.changed(Duration.ofMillis(20)).await().atMost(Duration.ofSeconds(2)),
                "only a state decided after the watch began is handed to it");
    }

    @Test
    void aBatchsActionsGoInAsFewNoticesAsPostgresqlTakesAndComeOutAsTheyWent() {
        // 300 ids of 128 characters: 38,700 bytes joined, over the 8,000 a notice may carry
        java.util.List<String> ids = java.util.stream.IntStream.range(0, 300)
                .mapToObj(i -> String.format("%03d", i) + "x".repeat(125)).toList();
        java.util.List<String> notices = StateChanges.notices(ids);
        assertTrue(notices.stream().allMatch(n -> n.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 8000), "each fits");
        assertEquals(5, notices.size(), "61 ids of 129 bytes fill each notice");
        assertEquals(ids, notices.stream().flatMap(n -> StateChanges.actionIds(n).stream()).toList());
        assertEquals(java.util.List.of(), StateChanges.notices(java.util.List.of()), "nothing changed, nothing to announce");
        assertEquals(java.util.List.of("act-1"), StateChanges.actionIds("act-1"), "a notice from a replica before batches");
    }
}
