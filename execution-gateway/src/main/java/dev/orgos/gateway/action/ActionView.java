package dev.orgos.gateway.action;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** An action's state as the worker sees it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActionView(
        String actionId,
        String agentId,
        String actionType,
        String status,
        boolean mayProceed,
        boolean isFinal,
        String anchor,
        List<String> decidedBy,
        String reason,
        Instant deadline,
        Long charterVersion,
        String traceId,
        Instant submittedAt,
        Instant updatedAt,
        String outcome,
        String outcomeSummary) {

    static boolean allows(String status) {
        return "AUTONOMOUS".equals(status) || "APPROVED".equals(status);
    }

    static boolean terminal(String status) {
        return !("PENDING".equals(status) || "ESCALATED".equals(status));
    }
}
