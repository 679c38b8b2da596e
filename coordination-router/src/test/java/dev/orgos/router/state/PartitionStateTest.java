package dev.orgos.router.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgos.governance.decision.BudgetUsage;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PartitionStateTest {

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void theBudgetsOfAgentsIdleLongerThanAnyWindowAreForgottenAndTheOthersKept() {
        PartitionState state = new PartitionState(Duration.ofHours(24), Duration.ofHours(1));
        // 500 short-lived agents, one action each, at the start
        for (int i = 0; i < 500; i++) {
            state.charge(PartitionState.budgetKey("ephemeral-" + i, "refunds", "hourly"), T0, 10);
        }
        // within the longest window of any charter: a sweep keeps everything
        state.forgetIdleBudgets(T0.plus(Duration.ofMinutes(59)));
        assertEquals(500, state.budgetCount());

        // one busy agent, decided under a one-hour budget, for two hours
        String busy = PartitionState.budgetKey("busy-bot", "refunds", "hourly");
        for (int s = 0; s < 2 * 3600; s += 10) {
            Instant at = T0.plusSeconds(s);
            state.of("busy-bot", "refunds", "hourly", Duration.ofHours(1), at);
            state.charge(busy, at, 1);
        }
        Instant now = T0.plus(Duration.ofHours(2));
        state.forgetIdleBudgets(now);
        assertEquals(1, state.budgetCount(), "the ephemeral agents' charges are older than any window");
        // charged every 10 s until 1:59:50; the hour before 2:00 holds 1:00:10 to 1:59:50
        assertEquals(new BudgetUsage.Usage(359, 359.0), state.of("busy-bot", "refunds", "hourly", Duration.ofHours(1), now));
    }

    /**
     * After a restore, the first decision may ask about a short window: a daily budget charged hours
     * ago must still count, or its agent starts the day afresh (it did: the sweep went by the windows
     * asked since the restore).
     */
    @Test
    void aRestoredDailyBudgetOutlivesASweepAfterAShorterWindowIsAsked() {
        PartitionState state = new PartitionState(Duration.ofHours(24), Duration.ofHours(24));
        String daily = PartitionState.budgetKey("x-bot", "refunds", "daily");
        state.charge(daily, T0, 100); // replayed from the state topic
        Instant later = T0.plus(Duration.ofHours(2));
        state.of("y-bot", "quick", "hourly", Duration.ofHours(1), later);
        for (int i = 0; i < PartitionState.SWEEP_EVERY; i++) {
            state.charge(PartitionState.budgetKey("y-bot", "quick", "hourly"), later, 1);
        }
        assertEquals(new BudgetUsage.Usage(1, 100.0), state.of("x-bot", "refunds", "daily", Duration.ofHours(24), later));
        state.forgetIdleBudgets(T0.plus(Duration.ofHours(25)));
        assertEquals(1, state.budgetCount(), "the daily budget once its day is over; the hourly one was charged later");
    }

    @Test
    void withoutTheChartersNoBudgetIsForgotten() {
        PartitionState state = new PartitionState(Duration.ofHours(24), null);
        state.charge(PartitionState.budgetKey("x-bot", "refunds", "hourly"), T0, 10);
        state.of("x-bot", "refunds", "hourly", Duration.ofHours(1), T0);
        state.forgetIdleBudgets(T0.plus(Duration.ofDays(30)));
        assertEquals(1, state.budgetCount());
    }

    @Test
    void aPartitionWhoseStateNamesNoCharterTakesTheOnePublishedLastAndTheOthersKeepTheirs() {
        PartitionState lost = new PartitionState(Duration.ofHours(24), Duration.ofHours(1));
        PartitionState known = new PartitionState(Duration.ofHours(24), Duration.ofHours(1));
        known.activate("acme-retail:1");
        StateStore.takeTheLatestCharterWhereNoneIsKnown(java.util.Map.of(0, lost, 1, known), java.util.Optional.of("acme-retail:2"), "actions");
        assertEquals("acme-retail:2", lost.charterKey());
        assertEquals("acme-retail:1", known.charterKey(), "its marker for version 2 is still ahead of it");
        PartitionState none = new PartitionState(Duration.ofHours(24), Duration.ofHours(1));
        StateStore.takeTheLatestCharterWhereNoneIsKnown(java.util.Map.of(0, none), java.util.Optional.empty(), "actions");
        assertEquals(null, none.charterKey(), "nothing published: nothing to take");
    }

    @Test
    void aSweepComesByItselfEveryTenThousandCharges() {
        PartitionState state = new PartitionState(Duration.ofHours(24), Duration.ofHours(1));
        state.charge(PartitionState.budgetKey("gone-bot", "refunds", "hourly"), T0, 10);
        state.of("any-bot", "refunds", "hourly", Duration.ofHours(1), T0);
        Instant later = T0.plus(Duration.ofHours(3));
        for (int i = 1; i < PartitionState.SWEEP_EVERY; i++) {
            state.charge(PartitionState.budgetKey("busy-bot", "refunds", "hourly"), later, 1);
        }
        assertEquals(1, state.budgetCount(), "swept on the 10,000th charge");
    }
}
