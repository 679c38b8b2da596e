package dev.orgos.router.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgos.governance.decision.BudgetUsage;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PartitionStateTest {

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void theBudgetsOfAgentsIdleLongerThanAnyWindowAskedAreForgottenAndTheOthersKept() {
        PartitionState state = new PartitionState(Duration.ofHours(24));
        // 500 short-lived agents, one action each, at the start
        for (int i = 0; i < 500; i++) {
            state.charge(PartitionState.budgetKey("ephemeral-" + i, "refunds", "hourly"), T0, 10);
        }
        // nothing asked yet (as while a restore replays): a sweep keeps everything
        state.forgetIdleBudgets(T0.plus(Duration.ofDays(2)));
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
        assertEquals(1, state.budgetCount(), "the ephemeral agents' charges are older than any window asked");
        // charged every 10 s until 1:59:50; the hour before 2:00 holds 1:00:10 to 1:59:50
        assertEquals(new BudgetUsage.Usage(359, 359.0), state.of("busy-bot", "refunds", "hourly", Duration.ofHours(1), now));
    }

    @Test
    void aSweepComesByItselfEveryTenThousandCharges() {
        PartitionState state = new PartitionState(Duration.ofHours(24));
        state.charge(PartitionState.budgetKey("gone-bot", "refunds", "hourly"), T0, 10);
        state.of("any-bot", "refunds", "hourly", Duration.ofHours(1), T0);
        Instant later = T0.plus(Duration.ofHours(3));
        for (int i = 1; i < PartitionState.SWEEP_EVERY; i++) {
            state.charge(PartitionState.budgetKey("busy-bot", "refunds", "hourly"), later, 1);
        }
        assertEquals(1, state.budgetCount(), "swept on the 10,000th charge");
    }
}
