package dev.orgos.governance.decision;

import java.time.Duration;
import java.time.Instant;

/** What an agent has already used of a pathway's budget within a window ending now. */
@FunctionalInterface
public interface BudgetUsage {

    record Usage(long count, double amount) {
        public static final Usage NONE = new Usage(0, 0);
    }

    Usage of(String agentId, String pathwayId, String budgetId, Duration window, Instant now);

    BudgetUsage NONE = (agent, pathway, budget, window, now) -> Usage.NONE;
}
