package dev.orgos.router.state;

import dev.orgos.governance.decision.BudgetUsage;
import dev.orgos.governance.decision.RollingWindow;
import dev.orgos.schema.BudgetCharge;
import dev.orgos.schema.RouterStateDelta;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What the router must remember for one actions partition: the charter in force, the actions
 * decided within the de-duplication window (a resubmission gets no second decision), and each
 * agent's budget usage.
 * Owned by one routing thread at a time; rebuilt from the router-state topic when the partition
 * moves or a transaction fails.
 */
public final class PartitionState implements BudgetUsage {
    private String charterKey;
    private final DecidedIds decided;
    private final Map<String, RollingWindow> budgets = new HashMap<>();

    /** @param dedupWindow how long an action id is remembered after its decision */
    public PartitionState(Duration dedupWindow) {
        this.decided = new DecidedIds(dedupWindow);
    }

    public String charterKey() {
        return charterKey;
    }

    public void activate(String key) {
        this.charterKey = key;
    }

    boolean alreadyDecided(String actionId) {
        return decided.contains(actionId);
    }

    /**
     * Remembers the action as decided at this time; false if it already was, within the
     * de-duplication window: a resubmission, which gets no second decision.
     */
    public boolean decideOnce(String actionId, Instant at) {
        return decided.add(actionId, at);
    }

    public void charge(String key, Instant at, double amount) {
        budgets.computeIfAbsent(key, k -> new RollingWindow()).add(at, amount);
    }

    /** Action ids remembered; read by the metrics thread too, where a stale count does no harm. */
    public int decidedCount() {
        return decided.size();
    }

    public long decidedFootprint() {
        return decided.footprint();
    }

    @Override
    public Usage of(String agentId, String pathwayId, String budgetId, Duration window, Instant now) {
        RollingWindow w = budgets.get(budgetKey(agentId, pathwayId, budgetId));
        return w == null ? Usage.NONE : w.usage(now, window);
    }

    public static String budgetKey(String agentId, String pathwayId, String budgetId) {
        return agentId + "|" + pathwayId + "|" + budgetId;
    }

    /** Actions a replayed delta decided, at the delta's time: the time the live partition remembered them by. */
    void replayDecided(java.util.List<String> actionIds, Instant at) {
        for (String id : actionIds) {
            decided.add(id, at);
        }
    }

    void apply(RouterStateDelta delta) {
        if (delta.getCharterKey() != null) {
            charterKey = delta.getCharterKey();
        }
        replayDecided(delta.getDecidedActionIds(), delta.getOccurredAt());
        for (BudgetCharge c : delta.getBudgetCharges()) {
            charge(c.getKey(), c.getAt(), c.getAmount());
        }
    }
}
