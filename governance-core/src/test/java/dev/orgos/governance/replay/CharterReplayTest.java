package dev.orgos.governance.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.charter.CharterParser;
import dev.orgos.governance.decision.Outcome;
import dev.orgos.governance.decision.ProposedAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A candidate charter against recorded decisions, as `orgos charter replay` runs it. */
class CharterReplayTest {

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    /** The example charter, with its per-refund limit changed. */
    static Charter exampleWithRefundLimit(int maxAmount) throws Exception {
        String yaml = Files.readString(Path.of("../charters/example.yaml"));
        assertTrue(yaml.contains("maxAmount: 500\n"), "the example charter's refund limit moved; adjust this test");
        return CharterParser.parse("candidate.yaml", yaml.replace("maxAmount: 500\n", "maxAmount: " + maxAmount + "\n"));
    }

    static ProposedAction refund(String id, String agent, double amount) {
        return new ProposedAction(id, agent, "refund.issue", amount, 0.95, null, null, null, Map.of());
    }

    @Test
    void aTighterLimitMakesTheActionsBetweenTheTwoLimitsStricterAndLeavesTheRestAlone() throws Exception {
        CharterReplay replay = new CharterReplay(exampleWithRefundLimit(300), 1);
        replay.replay(T0, refund("small", "a", 120), Outcome.AUTONOMOUS, "refunds");
        replay.replay(T0.plusSeconds(1), refund("mid-1", "b", 400), Outcome.AUTONOMOUS, "refunds");
        replay.replay(T0.plusSeconds(2), refund("mid-2", "c", 450), Outcome.AUTONOMOUS, "refunds");
        replay.replay(T0.plusSeconds(3), refund("large", "d", 2400), Outcome.ESCALATE, "refunds");
        replay.replay(T0.plusSeconds(4), new ProposedAction("bulk", "a", "refund.bulk", 9000.0, 0.99, null, null, null, Map.of()),
                Outcome.REJECT, "refunds");

        CharterReplay.PathwayChanges refunds = replay.byPathway().get("refunds");
        assertEquals(5, refunds.total());
        assertEquals(3, refunds.unchanged());
        assertEquals(2, refunds.stricter());
        assertEquals(0, refunds.looser());
        List<String> examples = refunds.examples().get("AUTONOMOUS -> ESCALATE (stricter)");
        assertEquals(1, examples.size(), "one example per direction, as asked");
        assertTrue(examples.get(0).startsWith("mid-1 refund.issue by b (amount 400.0): "), examples.get(0));
        assertEquals(5, replay.replayed());
    }

    /** The wire contract lets a parameter be null; recorded history has such actions, and the replay must take them as the router does. */
    @Test
    void anActionWithANullParameterIsReplayedAsTheRouterDecidesIt() throws Exception {
        Map<String, Object> parameters = new java.util.HashMap<>();
        parameters.put("note", null);
        parameters.put("orderId", "o-1");
        ProposedAction action = new ProposedAction("with-null", "a", "refund.issue", 120.0, 0.95, null, null, null, parameters);
        assertEquals(Map.of("orderId", "o-1"), action.parameters(), "a null value is as if absent");
        CharterReplay replay = new CharterReplay(exampleWithRefundLimit(500), 1);
        replay.replay(T0, action, Outcome.AUTONOMOUS, "refunds");
        assertEquals(1, replay.byPathway().get("refunds").unchanged());
    }

    @Test
    void aLooserLimitIsReportedAsLooser() throws Exception {
        CharterReplay replay = new CharterReplay(exampleWithRefundLimit(1000), 3);
        replay.replay(T0, refund("was-escalated", "a", 800), Outcome.ESCALATE, "refunds");
        CharterReplay.PathwayChanges refunds = replay.byPathway().get("refunds");
        assertEquals(1, refunds.looser());
        assertEquals(List.of("ESCALATE -> AUTONOMOUS (looser)"), List.copyOf(refunds.examples().keySet()));
    }

    /**
     * The hourly budget (2,000 per agent) is charged by the candidate's own autonomous decisions at
     * the recorded times: the fifth refund of 450 within the hour escalates, one an hour after the
     * first goes through again, and another agent's refunds are not counted against this one.
     */
    @Test
    void budgetsAreChargedByTheCandidatesDecisionsAtTheRecordedTimes() throws Exception {
        CharterReplay replay = new CharterReplay(exampleWithRefundLimit(500), 10);
        for (int i = 0; i < 5; i++) {
            replay.replay(T0.plus(Duration.ofMinutes(i)), refund("r" + i, "busy-bot", 450), Outcome.AUTONOMOUS, "refunds");
        }
        replay.replay(T0.plus(Duration.ofMinutes(5)), refund("other", "calm-bot", 450), Outcome.AUTONOMOUS, "refunds");
        replay.replay(T0.plus(Duration.ofMinutes(61)), refund("later", "busy-bot", 450), Outcome.AUTONOMOUS, "refunds");

        CharterReplay.PathwayChanges refunds = replay.byPathway().get("refunds");
        assertEquals(7, refunds.total());
        assertEquals(1, refunds.stricter());
        String example = refunds.examples().get("AUTONOMOUS -> ESCALATE (stricter)").get(0);
        assertTrue(example.startsWith("r4 "), example);
    }

    @Test
    void aResubmittedActionIsReplayedOnceAsTheRouterDecidedItOnce() throws Exception {
        CharterReplay replay = new CharterReplay(exampleWithRefundLimit(300), 3);
        assertTrue(replay.replay(T0, refund("twice", "a", 400), Outcome.AUTONOMOUS, "refunds"));
        assertFalse(replay.replay(T0.plusSeconds(1), refund("twice", "a", 400), Outcome.AUTONOMOUS, "refunds"));
        assertEquals(1, replay.replayed());
        assertEquals(1, replay.resubmissions());
        assertEquals(1, replay.byPathway().get("refunds").stricter());
    }

    @Test
    void anActionTheCandidateDoesNotCoverIsCountedUnderThePathwayItWasDecidedUnder() throws Exception {
        CharterReplay replay = new CharterReplay(exampleWithRefundLimit(500), 3);
        replay.replay(T0, new ProposedAction("odd", "a", "teleport.customer", null, 0.99, null, null, null, Map.of()),
                Outcome.ESCALATE, null);
        assertEquals(List.of("(no pathway)"), List.copyOf(replay.byPathway().keySet()));
        assertEquals(1, replay.byPathway().get("(no pathway)").unchanged(), "not covered: escalated, fail closed, as before");
    }
}
