package dev.orgos.router.state;

import dev.orgos.governance.decision.BudgetUsage;
import dev.orgos.governance.decision.RollingWindow;
import dev.orgos.schema.BudgetCharge;
import dev.orgos.schema.RouterStateDelta;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the router must remember for one actions partition: the charter in force, the actions
 * already decided (a resubmission gets no second decision), and each agent's budget usage.
 * Owned by one routing thread at a time; rebuilt from the router-state topic when the partition
 * moves or a transaction fails.
 */
public final class PartitionState implements BudgetUsage {
    private String charterKey;
    private final Set<String> decided = new HashSet<>();
    private final Map<String, RollingWindow> budgets = new HashMap<>();

    public String charterKey() {
        return charterKey;
    }

    public void activate(String key) {
        this.charterKey = key;
    }

    public boolean alreadyDecided(String actionId) {
        return decided.contains(actionId);
    }

    public void decided(String actionId) {
        decided.add(actionId);
    }

    public void charge(String key, Instant at, double amount) {
        budgets.computeIfAbsent(key, k -> new RollingWindow()).add(at, amount);
    }

    public int decidedCount() {
        return decided.size();
    }

    @Override
    public Usage of(String agentId, String pathwayId, String budgetId, Duration window, Instant now) {
        RollingWindow w = budgets.get(budgetKey(agentId, pathwayId, budgetId));
        return w == null ? Usage.NONE : w.usage(now, window);
    }

    public static String budgetKey(String agentId, String pathwayId, String budgetId) {
        return agentId + "|" + pathwayId + "|" + budgetId;
    }

    void apply(RouterStateDelta delta) {
        if (delta.getCharterKey() != null) {
            charterKey = delta.getCharterKey();
        }
        decided.addAll(delta.getDecidedActionIds());
        for (BudgetCharge c : delta.getBudgetCharges()) {
            charge(c.getKey(), c.getAt(), c.getAmount());
        }
    }
}
