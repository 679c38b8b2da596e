package dev.orgos.governance.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RollingWindowTest {

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void theTotalIsTheExactSumOfWhatIsStillInTheWindowWhateverCameAndWentBefore() {
        Random random = new Random(7);
        RollingWindow live = new RollingWindow();
        double[] amounts = new double[5_000];
        for (int i = 0; i < amounts.length; i++) {
            amounts[i] = Math.round(random.nextDouble() * 100_000) / 100.0; // money, in cents
            live.add(T0.plusSeconds(i), amounts[i]);
            if (i % 100 == 99) {
                live.usage(T0.plusSeconds(i), Duration.ofMinutes(10)); // drops as the router's decisions do
            }
        }
        Instant now = T0.plusSeconds(amounts.length);
        BudgetUsage.Usage usage = live.usage(now, Duration.ofMinutes(10));

        // what is left: the entries after now - 10 min
        BigDecimal exact = BigDecimal.ZERO;
        int left = 0;
        for (int i = 0; i < amounts.length; i++) {
            if (T0.plusSeconds(i).isAfter(now.minus(Duration.ofMinutes(10)))) {
                exact = exact.add(new BigDecimal(amounts[i]));
                left++;
            }
        }
        assertEquals(left, usage.count());
        assertEquals(exact.doubleValue(), usage.amount(), 0.0, "exact, not a running sum's drift");

        // a state restored from only what is left (as from the router's deltas) answers the same
        RollingWindow restored = new RollingWindow();
        for (int i = amounts.length - left; i < amounts.length; i++) {
            restored.add(T0.plusSeconds(i), amounts[i]);
        }
        assertEquals(usage, restored.usage(now, Duration.ofMinutes(10)));
    }

    @Test
    void tenChargesOfATenthMakeOne() {
        RollingWindow w = new RollingWindow();
        for (int i = 0; i < 10; i++) {
            w.add(T0.plusMillis(i), 0.1);
        }
        // summed in doubles one after another this was 0.9999999999999999
        assertEquals(new BudgetUsage.Usage(10, 1.0), w.usage(T0.plusSeconds(1), Duration.ofHours(1)));
        assertEquals(new BudgetUsage.Usage(0, 0.0), w.usage(T0.plus(Duration.ofHours(2)), Duration.ofHours(1)), "all gone, nothing left over");
    }

    @Test
    void theNewestTimeIsTheLatestAddedWhateverTheOrderTheyCameIn() {
        RollingWindow w = new RollingWindow();
        w.add(T0.plusSeconds(10), 1);
        w.add(T0, 1); // a record whose time is older than the one before it
        assertEquals(T0.plusSeconds(10).toEpochMilli(), w.newestMillis());
        assertEquals(Long.MIN_VALUE, new RollingWindow().newestMillis());
    }

    @Test
    void aBusySpellGrowsTheRingAndItsPassingShrinksItWithoutLosingAnEntry() {
        RollingWindow w = new RollingWindow();
        // a quiet start, so that the ring's first entry is not at its first slot when it grows
        w.add(T0, 1);
        w.add(T0.plusSeconds(1), 1);
        w.usage(T0.plusSeconds(60), Duration.ofMinutes(1)); // drops the first
        for (int i = 0; i < 10_000; i++) {
            w.add(T0.plusSeconds(100).plusMillis(i), 0.5);
        }
        assertEquals(new BudgetUsage.Usage(10_001, 5_001.0), w.usage(T0.plusSeconds(100), Duration.ofMinutes(2)));
        // the spell passes but for its last ten entries
        BudgetUsage.Usage after = w.usage(T0.plusSeconds(160).plusMillis(9_990), Duration.ofMinutes(1));
        assertEquals(new BudgetUsage.Usage(9, 4.5), after);
        assertEquals(after, RollingWindow.decode(w.encode()).usage(T0.plusSeconds(160).plusMillis(9_990), Duration.ofMinutes(1)));
        w.add(T0.plusSeconds(169), 2);
        assertEquals(new BudgetUsage.Usage(5, 4.0), w.usage(T0.plusSeconds(169).plusMillis(995), Duration.ofMinutes(1)),
                "the last four of the spell (0.5 each) and the new one");
    }
}
