package dev.orgos.governance.decision;

import java.util.Map;

/**
 * What the governance core needs to know about an action. Wire types are mapped to this at the
 * edge, so the core knows nothing of Avro or HTTP. Optional facts are null when the agent did
 * not say.
 */
public record ProposedAction(
        String actionId,
        String agentId,
        String actionType,
        Double amount,
        Double confidence,
        Double riskScore,
        Boolean reversible,
        String targetSystem,
        Map<String, Object> parameters) {

    public ProposedAction {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }
}
