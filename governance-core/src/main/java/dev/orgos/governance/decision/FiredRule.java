package dev.orgos.governance.decision;

/** One rule that fired, and why, in words an operator understands. */
public record FiredRule(String ruleId, Kind kind, String explanation) {

    public enum Kind {
        /** An autonomy limit was exceeded. */
        LIMIT,
        /** An escalation trigger held. */
        TRIGGER,
        /** A threshold over time would be exceeded. */
        BUDGET,
        /** The action type is forbidden on its pathway. */
        FORBIDDEN,
        /** No pathway covers the action. */
        NO_PATHWAY,
        /** Something needed to decide was missing or failed: a human decides. */
        FAIL_CLOSED
    }
}
