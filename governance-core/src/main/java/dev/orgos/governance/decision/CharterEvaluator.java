package dev.orgos.governance.decision;

import dev.orgos.governance.Durations;
import dev.orgos.governance.charter.Budget;
import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.charter.Expression;
import dev.orgos.governance.charter.Limits;
import dev.orgos.governance.charter.Pathway;
import dev.orgos.governance.charter.Trigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Applies a charter to one action. Pure and thread-safe; budgets are read through
 * {@link BudgetUsage}, so the caller owns that state.
 *
 * <p>Fail closed: without a charter, without a pathway, when a limit or trigger needs a field
 * the action does not carry, or when an expression cannot be evaluated, the action escalates
 * to the charter's default anchor, with the reason. Nothing is ever autonomous by accident.
 */
public final class CharterEvaluator {

    /** Used when no valid charter is in force: everything escalates to this role. */
    public static final String NO_CHARTER_ANCHOR = "governance-board";

    private final Charter charter;

    public CharterEvaluator(Charter charter) {
        this.charter = charter;
    }

    public Charter charter() {
        return charter;
    }

    public Decision evaluate(ProposedAction action) {
        return evaluate(action, Instant.now(), BudgetUsage.NONE);
    }

    /**
     * What a decision uses of its pathway's budgets: an autonomous one charges each of them with
     * the action (its amount, or 0 without one) at {@code at}; an escalated or rejected one charges
     * nothing, since a human or nobody acted. The router and a charter replay both charge here, so
     * that a replay's budgets run out where the router's would.
     */
    public void chargeBudgets(Decision decision, ProposedAction action, Instant at, BudgetCharges charges) {
        if (decision.outcome() != Outcome.AUTONOMOUS || charter == null || decision.pathwayId() == null) {
            return;
        }
        double amount = action.amount() == null ? 0 : action.amount();
        for (Budget b : charter.pathway(decision.pathwayId()).orElseThrow().budgets()) {
            charges.charge(action.agentId(), decision.pathwayId(), b.id(), at, amount);
        }
    }

    public Decision evaluate(ProposedAction action, Instant now, BudgetUsage usage) {
        if (charter == null) {
            return new Decision(Outcome.ESCALATE, null, NO_CHARTER_ANCHOR, 1,
                    List.of(new FiredRule("charter.none", FiredRule.Kind.FAIL_CLOSED, "no valid charter is in force")),
                    "No valid charter is in force, so every action needs a human.", 0, "none");
        }
        Map<String, Object> vars = null;
        Pathway pathway = null;
        for (Pathway p : charter.pathways()) {
            if (!p.covers(action.actionType())) {
                continue;
            }
            if (p.when() != null) {
                vars = vars == null ? variables(action) : vars;
                try {
                    if (!p.when().test(vars)) {
                        continue;
                    }
                } catch (Expression.EvaluationFailed e) {
                    return failClosed(p, List.of(new FiredRule(p.id() + ".when", FiredRule.Kind.FAIL_CLOSED,
                            "the condition of pathway '" + p.id() + "' could not be evaluated: " + e.getMessage())));
                }
            }
            pathway = p;
            break;
        }
        if (pathway == null) {
            return decide(Outcome.ESCALATE, null, charter.defaultAnchor(), 1,
                    List.of(new FiredRule("charter.no-pathway", FiredRule.Kind.NO_PATHWAY,
                            "no pathway covers action type '" + action.actionType() + "'")),
                    "No pathway of the charter covers '" + action.actionType() + "', so the default anchor '"
                            + charter.defaultAnchor() + "' must decide.");
        }
        Pathway p = pathway;
        if (p.forbids(action.actionType())) {
            return decide(Outcome.REJECT, p.id(), p.anchor(), p.requiredApprovals(),
                    List.of(new FiredRule(p.id() + ".forbidden", FiredRule.Kind.FORBIDDEN,
                            "'" + action.actionType() + "' is forbidden on pathway '" + p.id() + "'")),
                    "The charter forbids '" + action.actionType() + "' outright.");
        }
        List<FiredRule> fired = new ArrayList<>();
        checkLimits(p, action, fired);
        if (!p.triggers().isEmpty()) {
            vars = vars == null ? variables(action) : vars;
            for (Trigger t : p.triggers()) {
                try {
                    if (t.when().test(vars)) {
                        fired.add(new FiredRule(p.id() + ".triggers." + t.id(), FiredRule.Kind.TRIGGER, t.reason()));
                    }
                } catch (Expression.EvaluationFailed e) {
                    fired.add(new FiredRule(p.id() + ".triggers." + t.id(), FiredRule.Kind.FAIL_CLOSED,
                            "trigger '" + t.id() + "' could not be evaluated (" + e.getMessage() + ")"));
                }
            }
        }
        for (Budget b : p.budgets()) {
            BudgetUsage.Usage used = usage.of(action.agentId(), p.id(), b.id(), b.window(), now);
            if (b.maxCount() != null && used.count() + 1 > b.maxCount()) {
                fired.add(new FiredRule(p.id() + ".budgets." + b.id(), FiredRule.Kind.BUDGET,
                        "agent '" + action.agentId() + "' already took " + used.count() + " autonomous actions on '" + p.id()
                                + "' within " + Durations.words(b.window()) + " (budget: " + b.maxCount() + ")"));
            }
            if (b.maxAmount() != null) {
                if (action.amount() == null) {
                    fired.add(missing(p, "amount", "budget '" + b.id() + "'"));
                } else if (used.amount() + action.amount() > b.maxAmount()) {
                    fired.add(new FiredRule(p.id() + ".budgets." + b.id(), FiredRule.Kind.BUDGET,
                            "agent '" + action.agentId() + "' would reach " + num(used.amount() + action.amount()) + " on '" + p.id()
                                    + "' within " + Durations.words(b.window()) + " (budget: " + num(b.maxAmount()) + ")"));
                }
            }
        }
        if (fired.isEmpty()) {
            return decide(Outcome.AUTONOMOUS, p.id(), p.anchor(), p.requiredApprovals(), fired,
                    "Within the limits of pathway '" + p.id() + "'.");
        }
        if (fired.stream().anyMatch(r -> r.kind() == FiredRule.Kind.FAIL_CLOSED)) {
            return failClosed(p, fired);
        }
        return decide(Outcome.ESCALATE, p.id(), p.anchor(), p.requiredApprovals(), fired,
                "Outside the limits of pathway '" + p.id() + "': " + explain(fired) + ".");
    }

    /** The default anchor decides what the charter could not evaluate. */
    private Decision failClosed(Pathway p, List<FiredRule> fired) {
        return decide(Outcome.ESCALATE, p.id(), charter.defaultAnchor(), p.requiredApprovals(), fired,
                "The charter could not be applied with certainty (" + explain(fired) + "), so the default anchor '"
                        + charter.defaultAnchor() + "' must decide.");
    }

    private Decision decide(Outcome outcome, String pathwayId, String anchor, int approvals, List<FiredRule> fired, String reason) {
        return new Decision(outcome, pathwayId, anchor, approvals, fired, reason, charter.version(), charter.digest());
    }

    private static String explain(List<FiredRule> fired) {
        return String.join("; ", fired.stream().map(FiredRule::explanation).toList());
    }

    /** The CEL view of an action: absent facts are absent keys (so reading them fails closed). */
    public static Map<String, Object> variables(ProposedAction a) {
        Map<String, Object> m = new HashMap<>(16);
        m.put("type", a.actionType());
        m.put("agentId", a.agentId());
        if (a.amount() != null) {
            m.put("amount", a.amount());
        }
        if (a.confidence() != null) {
            m.put("confidence", a.confidence());
        }
        if (a.riskScore() != null) {
            m.put("riskScore", a.riskScore());
        }
        if (a.reversible() != null) {
            m.put("reversible", a.reversible());
        }
        if (a.targetSystem() != null) {
            m.put("targetSystem", a.targetSystem());
        }
        Map<String, Object> params = new HashMap<>();
        a.parameters().forEach((k, v) -> {
            if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
                params.put(k, ((Number) v).longValue());
            } else if (v instanceof Float f) {
                params.put(k, f.doubleValue());
            } else if (v != null) {
                params.put(k, v);
            }
        });
        m.put("parameters", params);
        return m;
    }

    private static void checkLimits(Pathway p, ProposedAction a, List<FiredRule> fired) {
        Limits l = p.limits();
        if (l.maxAmount() != null) {
            if (a.amount() == null) {
                fired.add(missing(p, "amount", "its amount limit"));
            } else if (a.amount() > l.maxAmount()) {
                fired.add(new FiredRule(p.id() + ".limits.maxAmount", FiredRule.Kind.LIMIT,
                        "amount " + num(a.amount()) + " exceeds the limit of " + num(l.maxAmount())));
            }
        }
        if (l.minConfidence() != null) {
            if (a.confidence() == null) {
                fired.add(missing(p, "confidence", "its confidence limit"));
            } else if (a.confidence() < l.minConfidence()) {
                fired.add(new FiredRule(p.id() + ".limits.minConfidence", FiredRule.Kind.LIMIT,
                        "confidence " + num(a.confidence()) + " is below the required " + num(l.minConfidence())));
            }
        }
        if (l.maxRisk() != null) {
            if (a.riskScore() == null) {
                fired.add(missing(p, "riskScore", "its risk limit"));
            } else if (a.riskScore() > l.maxRisk()) {
                fired.add(new FiredRule(p.id() + ".limits.maxRisk", FiredRule.Kind.LIMIT,
                        "risk " + num(a.riskScore()) + " exceeds the limit of " + num(l.maxRisk())));
            }
        }
        if (Boolean.TRUE.equals(l.requireReversible())) {
            if (a.reversible() == null) {
                fired.add(missing(p, "reversible", "its reversibility limit"));
            } else if (!a.reversible()) {
                fired.add(new FiredRule(p.id() + ".limits.requireReversible", FiredRule.Kind.LIMIT,
                        "the action cannot be undone"));
            }
        }
        if (l.allowedTargetSystems() != null) {
            if (a.targetSystem() == null) {
                fired.add(missing(p, "targetSystem", "its target-system limit"));
            } else if (!l.allowedTargetSystems().contains(a.targetSystem())) {
                fired.add(new FiredRule(p.id() + ".limits.allowedTargetSystems", FiredRule.Kind.LIMIT,
                        "target system '" + a.targetSystem() + "' is not one of " + l.allowedTargetSystems()));
            }
        }
    }

    private static FiredRule missing(Pathway p, String field, String needs) {
        return new FiredRule(p.id() + ".missing." + field, FiredRule.Kind.FAIL_CLOSED,
                "the action does not state its " + field + ", which pathway '" + p.id() + "' needs for " + needs);
    }

    private static String num(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.2f", d);
    }
}
