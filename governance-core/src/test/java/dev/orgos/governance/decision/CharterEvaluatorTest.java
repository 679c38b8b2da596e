package dev.orgos.governance.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.charter.CharterParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CharterEvaluatorTest {

    static CharterEvaluator evaluator;

    @BeforeAll
    static void loadExampleCharter() throws Exception {
        Charter charter = CharterParser.parse("example.yaml", Files.readString(Path.of("../charters/example.yaml")));
        evaluator = new CharterEvaluator(charter);
    }

    static ProposedAction refund(Double amount, Double confidence) {
        return new ProposedAction("a-1", "agent-7", "refund.issue", amount, confidence, null, null, null, Map.of());
    }

    @Test
    void refundWithinLimitsIsAutonomousAndNamesItsAnchorAndCharter() {
        Decision d = evaluator.evaluate(refund(120.0, 0.95));
        assertEquals(Outcome.AUTONOMOUS, d.outcome());
        assertEquals("refunds", d.pathwayId());
        assertEquals("finance-ops", d.anchor());
        assertEquals(1L, d.charterVersion());
        assertTrue(d.charterDigest().matches("sha256:[0-9a-f]{64}"), d.charterDigest());
        assertTrue(d.firedRules().isEmpty());
    }

    @Test
    void refundAboveTheAmountLimitEscalatesWithTheRuleThatFired() {
        Decision d = evaluator.evaluate(refund(2400.0, 0.95));
        assertEquals(Outcome.ESCALATE, d.outcome());
        assertEquals("finance-ops", d.anchor());
        assertEquals(1, d.firedRules().size());
        assertEquals("refunds.limits.maxAmount", d.firedRules().get(0).ruleId());
        assertTrue(d.reason().contains("amount 2400 exceeds the limit of 500"), d.reason());
    }

    @Test
    void amountExactlyAtTheLimitIsStillWithinBounds() {
        assertEquals(Outcome.AUTONOMOUS, evaluator.evaluate(refund(500.0, 0.8)).outcome());
    }

    @Test
    void aMissingFieldThatALimitNeedsEscalatesFailClosed() {
        Decision d = evaluator.evaluate(refund(null, 0.95));
        assertEquals(Outcome.ESCALATE, d.outcome());
        assertEquals(FiredRule.Kind.FAIL_CLOSED, d.firedRules().get(0).kind());
    }

    @Test
    void everyBrokenLimitIsReported() {
        Decision d = evaluator.evaluate(refund(900.0, 0.5));
        assertEquals(2, d.firedRules().size());
    }

    @Test
    void forbiddenActionIsRejectedOutright() {
        Decision d = evaluator.evaluate(new ProposedAction("a", "g", "refund.bulk", 10.0, 0.99, null, null, null, null));
        assertEquals(Outcome.REJECT, d.outcome());
        assertEquals(FiredRule.Kind.FORBIDDEN, d.firedRules().get(0).kind());
    }

    @Test
    void uncoveredActionEscalatesToTheDefaultAnchor() {
        Decision d = evaluator.evaluate(new ProposedAction("a", "g", "vendor.contract.sign", 10.0, 0.99, null, null, null, null));
        assertEquals(Outcome.ESCALATE, d.outcome());
        assertNull(d.pathwayId());
        assertEquals("governance-board", d.anchor());
        assertEquals(FiredRule.Kind.NO_PATHWAY, d.firedRules().get(0).kind());
    }

    @Test
    void withoutACharterEverythingEscalates() {
        Decision d = new CharterEvaluator(null).evaluate(refund(1.0, 1.0));
        assertEquals(Outcome.ESCALATE, d.outcome());
        assertEquals(FiredRule.Kind.FAIL_CLOSED, d.firedRules().get(0).kind());
    }

    @Test
    void deploymentsNeedTwoApprovalsAndAReversibleChangeToAKnownTarget() {
        Decision ok = evaluator.evaluate(new ProposedAction("a", "g", "deploy.service", null, null, 0.1, true, "staging", null));
        assertEquals(Outcome.AUTONOMOUS, ok.outcome());
        assertEquals(2, ok.requiredApprovals());
        Decision irreversible = evaluator.evaluate(new ProposedAction("a", "g", "deploy.service", null, null, 0.1, false, "staging", null));
        assertEquals(Outcome.ESCALATE, irreversible.outcome());
        Decision elsewhere = evaluator.evaluate(new ProposedAction("a", "g", "deploy.service", null, null, 0.1, true, "mainframe", null));
        assertEquals("deployments.limits.allowedTargetSystems", elsewhere.firedRules().get(0).ruleId());
    }
}
