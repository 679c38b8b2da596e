package dev.orgos.governance.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.charter.CharterParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each rule kind and each fail-closed path, against the example charter the demo runs under. */
class CharterEvaluatorTest {

    static CharterEvaluator evaluator;
    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    @BeforeAll
    static void loadExampleCharter() throws Exception {
        Charter charter = CharterParser.parse("example.yaml", Files.readString(Path.of("../charters/example.yaml")));
        evaluator = new CharterEvaluator(charter);
    }

    static ProposedAction refund(Double amount, Double confidence) {
        return refund(amount, confidence, Map.of());
    }

    static ProposedAction refund(Double amount, Double confidence, Map<String, Object> params) {
        return new ProposedAction("a-1", "agent-7", "refund.issue", amount, confidence, null, null, null, params);
    }

    static ProposedAction deploy(double risk, Boolean reversible, String target, Map<String, Object> params) {
        return new ProposedAction("a", "g", "deploy.service", null, null, risk, reversible, target, params);
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
    void refundAboveTheAmountLimitEscalatesToThePathwayAnchorWithTheRuleThatFired() {
        Decision d = evaluator.evaluate(refund(2400.0, 0.95));
        assertEquals(Outcome.ESCALATE, d.outcome());
        assertEquals("finance-ops", d.anchor());
        // the single refund is over the per-refund limit and over the hourly amount budget: both are reported
        assertEquals(List.of("refunds.limits.maxAmount", "refunds.budgets.hourly"), d.firedRules().stream().map(FiredRule::ruleId).toList());
        assertTrue(d.reason().contains("amount 2400 exceeds the limit of 500"), d.reason());
    }

    @Test
    void limitsAreInclusiveAtTheirEdge() {
        assertEquals(Outcome.AUTONOMOUS, evaluator.evaluate(refund(500.0, 0.8)).outcome());
        assertEquals(Outcome.ESCALATE, evaluator.evaluate(refund(500.01, 0.8)).outcome());
        assertEquals(Outcome.ESCALATE, evaluator.evaluate(refund(500.0, 0.79)).outcome());
    }

    @Test
    void everyBrokenLimitIsReported() {
        assertEquals(2, evaluator.evaluate(refund(900.0, 0.5)).firedRules().size());
    }

    @Test
    void aMissingFieldThatALimitNeedsEscalatesToTheDefaultAnchor() {
        Decision d = evaluator.evaluate(refund(null, 0.95));
        assertEquals(Outcome.ESCALATE, d.outcome());
        assertEquals("governance-board", d.anchor());
        assertEquals(FiredRule.Kind.FAIL_CLOSED, d.firedRules().get(0).kind());
        assertTrue(d.reason().contains("does not state its amount"), d.reason());
    }

    @Test
    void aTriggerEscalatesInsideTheLimits() {
        Decision d = evaluator.evaluate(refund(50.0, 0.99, Map.of("customerTenureDays", 12)));
        assertEquals(Outcome.ESCALATE, d.outcome());
        assertEquals("finance-ops", d.anchor());
        assertEquals(FiredRule.Kind.TRIGGER, d.firedRules().get(0).kind());
        assertEquals("the customer has been with us for less than 30 days", d.firedRules().get(0).explanation());
        assertEquals(Outcome.AUTONOMOUS, evaluator.evaluate(refund(50.0, 0.99, Map.of("customerTenureDays", 400))).outcome());
    }

    @Test
    void aTriggerThatNeedsAMissingFieldFailsClosedToTheDefaultAnchor() {
        // risky-production-change reads action.riskScore, which this deploy does not state
        Decision d = evaluator.evaluate(new ProposedAction("a", "g", "deploy.service", null, null, null, true, "production", Map.of()));
        assertEquals(Outcome.ESCALATE, d.outcome());
        assertEquals("governance-board", d.anchor());
        assertTrue(d.firedRules().stream().anyMatch(r -> r.ruleId().equals("deployments.triggers.risky-production-change")
                && r.kind() == FiredRule.Kind.FAIL_CLOSED), d.firedRules().toString());
    }

    @Test
    void aTriggerOfTheWrongTypeFailsClosed() {
        Decision d = evaluator.evaluate(refund(50.0, 0.99, Map.of("customerTenureDays", "long ago")));
        assertEquals(Outcome.ESCALATE, d.outcome());
        assertEquals("governance-board", d.anchor());
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
    void deploymentsNeedTwoApprovalsAndAReversibleLowRiskChangeToAKnownTarget() {
        Decision ok = evaluator.evaluate(deploy(0.1, true, "staging", Map.of()));
        assertEquals(Outcome.AUTONOMOUS, ok.outcome());
        assertEquals(2, ok.requiredApprovals());
        assertEquals(Outcome.ESCALATE, evaluator.evaluate(deploy(0.1, false, "staging", Map.of())).outcome());
        assertEquals("deployments.limits.allowedTargetSystems",
                evaluator.evaluate(deploy(0.1, true, "mainframe", Map.of())).firedRules().get(0).ruleId());
        assertEquals("deployments.triggers.risky-production-change",
                evaluator.evaluate(deploy(0.3, true, "production", Map.of())).firedRules().get(0).ruleId());
        assertEquals("deployments.triggers.change-freeze",
                evaluator.evaluate(deploy(0.1, true, "staging", Map.of("duringFreeze", true))).firedRules().get(0).ruleId());
    }

    @Test
    void budgetsCountAutonomousActionsPerAgentWithinTheRollingWindow() {
        Map<String, RollingWindow> windows = new HashMap<>();
        BudgetUsage usage = (agent, pathway, budget, window, now) ->
                windows.computeIfAbsent(agent + "|" + pathway + "|" + budget, k -> new RollingWindow()).usage(now, window);
        // 20 autonomous refunds of 10 in the hour use the count budget up
        for (int i = 0; i < 20; i++) {
            Instant at = NOW.plusSeconds(i);
            Decision d = evaluator.evaluate(refund(10.0, 0.99), at, usage);
            assertEquals(Outcome.AUTONOMOUS, d.outcome(), "action " + i);
            windows.computeIfAbsent("agent-7|refunds|hourly", k -> new RollingWindow()).add(at, 10.0);
        }
        Decision over = evaluator.evaluate(refund(10.0, 0.99), NOW.plusSeconds(30), usage);
        assertEquals(Outcome.ESCALATE, over.outcome());
        assertEquals(FiredRule.Kind.BUDGET, over.firedRules().get(0).kind());
        assertTrue(over.reason().contains("already took 20 autonomous actions"), over.reason());
        // another agent has its own budget
        Decision other = evaluator.evaluate(new ProposedAction("b", "agent-8", "refund.issue", 10.0, 0.99, null, null, null, null),
                NOW.plusSeconds(30), usage);
        assertEquals(Outcome.AUTONOMOUS, other.outcome());
        // at the window's edge: the first action (at NOW) stops counting at exactly NOW + 1h
        assertEquals(Outcome.ESCALATE, evaluator.evaluate(refund(10.0, 0.99), NOW.plus(Duration.ofHours(1)).minusMillis(1), usage).outcome());
        assertEquals(Outcome.AUTONOMOUS, evaluator.evaluate(refund(10.0, 0.99), NOW.plus(Duration.ofHours(1)), usage).outcome());
    }

    @Test
    void onlyAnAutonomousDecisionChargesItsPathwaysBudgets() {
        List<String> charged = new java.util.ArrayList<>();
        BudgetCharges record = (agent, pathway, budget, at, amount) -> charged.add(agent + "|" + pathway + "|" + budget + "|" + at + "|" + amount);

        ProposedAction small = refund(120.0, 0.99);
        Decision autonomous = evaluator.evaluate(small, NOW, BudgetUsage.NONE);
        assertEquals(Outcome.AUTONOMOUS, autonomous.outcome());
        evaluator.chargeBudgets(autonomous, small, NOW, record);
        assertEquals(List.of("agent-7|refunds|hourly|" + NOW + "|120.0"), charged, "each budget of the pathway, with the amount, at the given time");

        ProposedAction large = refund(2400.0, 0.99);
        Decision escalated = evaluator.evaluate(large, NOW, BudgetUsage.NONE);
        assertEquals(Outcome.ESCALATE, escalated.outcome());
        evaluator.chargeBudgets(escalated, large, NOW, record);
        assertEquals(1, charged.size(), "an escalated action uses none of the autonomy's budget");

        charged.clear();
        new CharterEvaluator(null).chargeBudgets(new CharterEvaluator(null).evaluate(small), small, NOW, record);
        assertEquals(List.of(), charged, "without a charter everything escalates, and nothing is charged");
    }

    @Test
    void amountBudgetsSumWithinTheWindow() {
        RollingWindow w = new RollingWindow();
        BudgetUsage usage = (agent, pathway, budget, window, now) -> budget.equals("hourly") ? w.usage(now, window) : BudgetUsage.Usage.NONE;
        w.add(NOW, 400);
        w.add(NOW.plusSeconds(60), 400);
        w.add(NOW.plusSeconds(120), 400);
        w.add(NOW.plusSeconds(180), 400);
        assertEquals(Outcome.AUTONOMOUS, evaluator.evaluate(refund(400.0, 0.99), NOW.plusSeconds(200), usage).outcome());
        Decision over = evaluator.evaluate(refund(401.0, 0.99), NOW.plusSeconds(200), usage);
        assertEquals(Outcome.ESCALATE, over.outcome());
        assertTrue(over.reason().contains("would reach 2001"), over.reason());
    }

    @Test
    void rollingWindowSurvivesItsOwnEncoding() {
        RollingWindow w = new RollingWindow();
        w.add(NOW, 1.5);
        w.add(NOW.plusSeconds(1), 2);
        RollingWindow back = RollingWindow.decode(w.encode());
        assertEquals(new BudgetUsage.Usage(2, 3.5), back.usage(NOW.plusSeconds(2), Duration.ofMinutes(1)));
    }
}
