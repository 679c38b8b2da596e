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

    /**
     * @param dedupWindow         how long an action id is remembered after its decision
     * @param longestBudgetWindow the longest budget window of any charter published when the state is
     *                            made, or null when the charters could not be read: then no budget is
     *                            ever forgotten, since none may count less than it spent
     */
    public PartitionState(Duration dedupWindow, Duration longestBudgetWindow) {
        this.decided = new DecidedIds(dedupWindow);
        this.longestBudgetWindow = longestBudgetWindow;
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
        if (++chargesSinceSweep >= SWEEP_EVERY) {
            chargesSinceSweep = 0;
            forgetIdleBudgets(at);
        }
    }

    /** How many charges between two sweeps of idle budgets: a sweep looks at every budget once. */
    static final int SWEEP_EVERY = 10_000;
    private int chargesSinceSweep;
    /** The longest budget window a decision has asked about here (a charter published since may have a longer one). */
    private Duration longestWindowAsked = Duration.ZERO;
    /** The longest budget window of the charters known when this state was made; null when unknown. */
    private final Duration longestBudgetWindow;

    /**
     * Forgets the budgets of agents whose every charge is older than any window that can ask about
     * it: the longest of the charters known when this state was made, or of those asked since. None
     * of those charges can count again (a window drops what it no longer covers as it is asked, so a
     * longer one asked later would not see them either). Without this an agent that stopped, and
     * workers are often short-lived with ids of their own, kept its entry until the partition moved.
     * The windows asked alone are not enough: after a restore, a decision under a one-hour budget
     * asked first made every agent's daily budget look idle, and forgotten, a fresh budget (fail-open).
     */
    void forgetIdleBudgets(Instant now) {
        if (longestBudgetWindow == null) {
            return; // the charters could not be read: which window could ask is unknown, keep them all
        }
        Duration longest = longestWindowAsked.compareTo(longestBudgetWindow) > 0 ? longestWindowAsked : longestBudgetWindow;
        if (longest.isZero()) {
            return; // no budgets in any charter: nothing was charged
        }
        long cutoff = now.toEpochMilli() - longest.toMillis();
        budgets.values().removeIf(w -> w.newestMillis() <= cutoff); // an empty window's newest is Long.MIN_VALUE
    }

    /** Budgets (agent, pathway, budget) remembered; read by the metrics thread too, where a stale count does no harm. */
    public int budgetCount() {
        return budgets.size();
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
        if (window.compareTo(longestWindowAsked) > 0) {
            longestWindowAsked = window;
        }
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
