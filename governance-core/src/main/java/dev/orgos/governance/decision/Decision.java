package dev.orgos.governance.decision;

import java.util.List;

/**
 * The charter's answer for one action.
 *
 * @param pathwayId null when no pathway covered the action
 * @param anchor the accountable anchor's id: the pathway's, or the charter's default anchor
 */
public record Decision(
        Outcome outcome,
        String pathwayId,
        String anchor,
        int requiredApprovals,
        List<FiredRule> firedRules,
        String reason,
        long charterVersion,
        String charterDigest) {

    public Decision {
        firedRules = List.copyOf(firedRules);
    }
}
