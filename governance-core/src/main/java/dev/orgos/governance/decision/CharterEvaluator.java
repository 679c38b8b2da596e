package dev.orgos.governance.decision;

import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.charter.Limits;
import dev.orgos.governance.charter.Pathway;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Applies a charter to one action. Pure and thread-safe.
 *
 * <p>Fail closed: without a charter, without a pathway, or when a declared limit cannot be
 * checked because the action does not carry the field, the action escalates. Nothing is ever
 * autonomous by accident.
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
        if (charter == null) {
            return new Decision(Outcome.ESCALATE, null, NO_CHARTER_ANCHOR, 1,
                    List.of(new FiredRule("charter.none", FiredRule.Kind.FAIL_CLOSED, "no valid charter is in force")),
                    "No valid charter is in force, so every action needs a human.", 0, "none");
        }
        var pathway = charter.pathwayFor(action.actionType());
        if (pathway.isEmpty()) {
            return decide(Outcome.ESCALATE, null, charter.defaultAnchor(), 1,
                    List.of(new FiredRule("charter.no-pathway", FiredRule.Kind.NO_PATHWAY,
                            "no pathway covers action type '" + action.actionType() + "'")),
                    "No pathway of the charter covers '" + action.actionType() + "', so the default anchor '"
                            + charter.defaultAnchor() + "' must decide.");
        }
        Pathway p = pathway.get();
        if (p.forbids(action.actionType())) {
            return decide(Outcome.REJECT, p.id(), p.anchor(), p.requiredApprovals(),
                    List.of(new FiredRule(p.id() + ".forbidden", FiredRule.Kind.FORBIDDEN,
                            "'" + action.actionType() + "' is forbidden on pathway '" + p.id() + "'")),
                    "The charter forbids '" + action.actionType() + "' outright.");
        }
        List<FiredRule> fired = checkLimits(p, action);
        if (fired.isEmpty()) {
            return decide(Outcome.AUTONOMOUS, p.id(), p.anchor(), p.requiredApprovals(), fired,
                    "Within the limits of pathway '" + p.id() + "'.");
        }
        String because = fired.stream().map(FiredRule::explanation).reduce((a, b) -> a + "; " + b).orElseThrow();
        return decide(Outcome.ESCALATE, p.id(), p.anchor(), p.requiredApprovals(), fired,
                "Outside the limits of pathway '" + p.id() + "': " + because + ".");
    }

    private Decision decide(Outcome outcome, String pathwayId, String anchor, int approvals,
                            List<FiredRule> fired, String reason) {
        return new Decision(outcome, pathwayId, anchor, approvals, fired, reason, charter.version(), charter.digest());
    }

    private static List<FiredRule> checkLimits(Pathway p, ProposedAction a) {
        Limits l = p.limits();
        List<FiredRule> fired = new ArrayList<>();
        if (l.maxAmount() != null) {
            if (a.amount() == null) {
                fired.add(missing(p, "amount"));
            } else if (a.amount() > l.maxAmount()) {
                fired.add(new FiredRule(p.id() + ".limits.maxAmount", FiredRule.Kind.LIMIT,
                        "amount " + num(a.amount()) + " exceeds the limit of " + num(l.maxAmount())));
            }
        }
        if (l.minConfidence() != null) {
            if (a.confidence() == null) {
                fired.add(missing(p, "confidence"));
            } else if (a.confidence() < l.minConfidence()) {
                fired.add(new FiredRule(p.id() + ".limits.minConfidence", FiredRule.Kind.LIMIT,
                        "confidence " + num(a.confidence()) + " is below the required " + num(l.minConfidence())));
            }
        }
        if (l.maxRisk() != null) {
            if (a.riskScore() == null) {
                fired.add(missing(p, "riskScore"));
            } else if (a.riskScore() > l.maxRisk()) {
                fired.add(new FiredRule(p.id() + ".limits.maxRisk", FiredRule.Kind.LIMIT,
                        "risk " + num(a.riskScore()) + " exceeds the limit of " + num(l.maxRisk())));
            }
        }
        if (Boolean.TRUE.equals(l.requireReversible())) {
            if (a.reversible() == null) {
                fired.add(missing(p, "reversible"));
            } else if (!a.reversible()) {
                fired.add(new FiredRule(p.id() + ".limits.requireReversible", FiredRule.Kind.LIMIT,
                        "the action cannot be undone"));
            }
        }
        if (l.allowedTargetSystems() != null) {
            if (a.targetSystem() == null) {
                fired.add(missing(p, "targetSystem"));
            } else if (!l.allowedTargetSystems().contains(a.targetSystem())) {
                fired.add(new FiredRule(p.id() + ".limits.allowedTargetSystems", FiredRule.Kind.LIMIT,
                        "target system '" + a.targetSystem() + "' is not one of " + l.allowedTargetSystems()));
            }
        }
        return fired;
    }

    private static FiredRule missing(Pathway p, String field) {
        return new FiredRule(p.id() + ".limits." + field + ".missing", FiredRule.Kind.FAIL_CLOSED,
                "the action does not state its " + field + ", which pathway '" + p.id() + "' limits");
    }

    private static String num(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.2f", d);
    }
}
