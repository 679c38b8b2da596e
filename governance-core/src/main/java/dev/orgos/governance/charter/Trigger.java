package dev.orgos.governance.charter;

/**
 * When escalation must occur: an action on the pathway for which {@code when} holds goes to a
 * human, even inside the limits.
 *
 * @param reason what a human reads when it fires
 */
public record Trigger(String id, Expression when, String reason) {
}
