package dev.orgos.governance.decision;

import java.time.Instant;

/**
 * Where a decision's budget charges go: the write side of {@link BudgetUsage}. The router records
 * them in its partition state (and as state deltas), a charter replay in its own windows.
 */
@FunctionalInterface
public interface BudgetCharges {

    void charge(String agentId, String pathwayId, String budgetId, Instant at, double amount);
}
