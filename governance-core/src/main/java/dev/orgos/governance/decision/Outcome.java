package dev.orgos.governance.decision;

public enum Outcome {
    /** In bounds: proceeds without a human. */
    AUTONOMOUS,
    /** A human must decide. */
    ESCALATE,
    /** Forbidden by the charter: no human may approve it. */
    REJECT
}
