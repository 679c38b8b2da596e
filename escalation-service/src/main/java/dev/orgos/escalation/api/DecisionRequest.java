package dev.orgos.escalation.api;

/** The body of approve and reject: only a reason. Who decides is the token's business. */
public record DecisionRequest(String reason) {
}
