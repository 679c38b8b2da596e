package dev.orgos.escalation.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** An escalation as a human sees it: the whole action, why it stopped, who owns it, until when. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskView(
        String id,
        String actionId,
        String agentId,
        String actionType,
        Object action,
        String pathwayId,
        String anchor,
        int level,
        String assignee,
        String status,
        String reason,
        Object firedRules,
        int requiredApprovals,
        List<String> approvedBy,
        long charterVersion,
        String charterDigest,
        Instant acknowledgeBy,
        Instant resolveBy,
        Instant deadline,
        Instant createdAt,
        Instant resolvedAt,
        String resolutionReason,
        List<HistoryView> history) {

    public record HistoryView(Instant at, String kind, String actor, String detail) {
    }
}
