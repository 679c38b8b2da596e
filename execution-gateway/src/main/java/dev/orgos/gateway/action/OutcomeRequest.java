package dev.orgos.gateway.action;

/** What the worker reports it did with an action: EXECUTED or FAILED, and a summary of the result. */
public record OutcomeRequest(String status, String summary) {
}
