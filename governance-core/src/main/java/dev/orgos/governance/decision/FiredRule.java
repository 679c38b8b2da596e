package dev.orgos.governance.decision;

/** One rule that fired, and why, in words an operator understands. */
public record FiredRule(String ruleId, Kind kind, String explanation) {

    public enum Kind { LIMIT, FORBIDDEN, NO_PATHWAY, FAIL_CLOSED }
}
