package dev.orgos.gateway.action;

import java.util.Map;

/**
 * What a worker sends. There is no agentId: the agent is whoever the credential says. Unknown
 * fields are refused (Jackson's FAIL_ON_UNKNOWN_PROPERTIES, see application.properties).
 */
public record ActionRequest(
        String actionId,
        String actionType,
        String description,
        Double amount,
        String currency,
        Double confidence,
        Double riskScore,
        Boolean reversible,
        String targetSystem,
        Map<String, Object> parameters) {
}
