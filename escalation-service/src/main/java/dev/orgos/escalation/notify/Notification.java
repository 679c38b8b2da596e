package dev.orgos.escalation.notify;

import java.time.Instant;

/** Someone must act on an escalation: it was assigned to them, or moved up the chain to them. */
public record Notification(String kind, String escalationId, String actionId, String actionType, String agentId,
                           String anchor, String assignee, int level, Instant deadline, String summary) {
}
