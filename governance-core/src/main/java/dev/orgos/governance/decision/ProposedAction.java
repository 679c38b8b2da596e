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

    /**
     * A parameter whose value is null (the wire contract allows it) is as if absent: a rule asking
     * for it sees it missing, and fails closed. Dropped here, not by each edge: the replay command
     * passed them on, and {@code Map.copyOf} refused the action, while the router, which dropped
     * them itself, decided it.
     */
    public ProposedAction {
        if (parameters == null) {
            parameters = Map.of();
        } else if (parameters.values().stream().anyMatch(java.util.Objects::isNull)) { // containsValue(null) throws on Map.of()
            Map<String, Object> present = new java.util.LinkedHashMap<>(parameters);
            present.values().removeIf(java.util.Objects::isNull);
            parameters = Map.copyOf(present);
        } else {
            parameters = Map.copyOf(parameters);
        }
    }
}
