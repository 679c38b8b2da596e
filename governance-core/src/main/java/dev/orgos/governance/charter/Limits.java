package dev.orgos.governance.charter;

import java.util.List;

/**
 * The bounds within which a pathway's actions proceed without a human. A null bound is not
 * declared. A declared bound whose field the action does not carry escalates (fail closed).
 */
public record Limits(
        Double maxAmount,
        Double minConfidence,
        Double maxRisk,
        Boolean requireReversible,
        List<String> allowedTargetSystems) {

    public Limits {
        allowedTargetSystems = allowedTargetSystems == null ? null : List.copyOf(allowedTargetSystems);
    }

    public boolean declaresAny() {
        return maxAmount != null || minConfidence != null || maxRisk != null
                || requireReversible != null || allowedTargetSystems != null;
    }
}
