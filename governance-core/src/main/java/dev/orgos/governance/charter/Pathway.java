package dev.orgos.governance.charter;

import java.util.List;

/**
 * One execution pathway: which actions it covers, who is accountable, and where autonomy ends.
 *
 * @param covers action type patterns; '*' matches any run of characters, e.g. "refund.*"
 * @param when optional condition that narrows {@code covers}; null when the types alone decide
 * @param triggers when escalation must occur even within the limits
 * @param budgets thresholds over time, per agent
 * @param forbidden action type patterns rejected outright, without asking a human
 */
public record Pathway(
        String id,
        String description,
        List<String> covers,
        Expression when,
        String anchor,
        Limits limits,
        List<Trigger> triggers,
        List<Budget> budgets,
        int requiredApprovals,
        List<String> forbidden) {

    public Pathway {
        covers = List.copyOf(covers);
        triggers = triggers == null ? List.of() : List.copyOf(triggers);
        budgets = budgets == null ? List.of() : List.copyOf(budgets);
        forbidden = forbidden == null ? List.of() : List.copyOf(forbidden);
    }

    public boolean covers(String actionType) {
        return covers.stream().anyMatch(p -> TypePattern.matches(p, actionType));
    }

    public boolean forbids(String actionType) {
        return forbidden.stream().anyMatch(p -> TypePattern.matches(p, actionType));
    }
}
