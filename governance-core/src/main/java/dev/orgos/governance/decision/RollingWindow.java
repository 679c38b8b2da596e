package dev.orgos.governance.decision;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The autonomous actions one agent took on one budget, for a rolling window: an entry at time t
 * counts while t is after {@code now - window}. So with a 1-hour window, an action at 10:00:00
 * still counts at 10:59:59.999 and no longer at 11:00:00. Not thread-safe: one owner (a router
 * partition) at a time.
 */
public final class RollingWindow {
    private final Deque<long[]> entries = new ArrayDeque<>(); // {epochMillis, amount bits}
    /**
     * The exact sum of the entries' amounts, kept as they come and go, so that a usage costs what
     * it drops, not the whole window: an agent at ten actions a second has 864,000 entries in a
     * day's window, and summing them on every decision cost the router milliseconds per action.
     * Exact (a double converts to a BigDecimal without loss), so the total does not depend on the
     * order entries came and went: a state restored from its deltas answers as the live one did.
     */
    private BigDecimal total = BigDecimal.ZERO;

    public void add(Instant at, double amount) {
        entries.addLast(new long[] {at.toEpochMilli(), Double.doubleToLongBits(amount)});
        newest = Math.max(newest, at.toEpochMilli());
        if (amount != 0) {
            total = total.add(new BigDecimal(amount));
        }
    }

    /** Drops what no window of this length ending at or after {@code now} can see, and sums the rest. */
    public BudgetUsage.Usage usage(Instant now, Duration window) {
        long cutoff = now.toEpochMilli() - window.toMillis();
        while (!entries.isEmpty() && entries.peekFirst()[0] <= cutoff) {
            double amount = Double.longBitsToDouble(entries.removeFirst()[1]);
            if (amount != 0) {
                total = total.subtract(new BigDecimal(amount));
            }
        }
        return new BudgetUsage.Usage(entries.size(), total.doubleValue());
    }

    /**
     * The time of the newest entry, in epoch milliseconds; Long.MIN_VALUE when empty. The latest time
     * added, not the last entry's: entries come in the order of their records, whose times need not be.
     */
    public long newestMillis() {
        return entries.isEmpty() ? Long.MIN_VALUE : newest;
    }

    private long newest = Long.MIN_VALUE;

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Compact form for a state changelog: "millis:amount,millis:amount". */
    public String encode() {
        StringBuilder b = new StringBuilder();
        for (long[] e : entries) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(e[0]).append(':').append(Double.longBitsToDouble(e[1]));
        }
        return b.toString();
    }

    public static RollingWindow decode(String text) {
        RollingWindow w = new RollingWindow();
        if (text != null && !text.isBlank()) {
            for (String part : text.split(",")) {
                String[] kv = part.split(":");
                w.add(Instant.ofEpochMilli(Long.parseLong(kv[0])), Double.parseDouble(kv[1]));
            }
        }
        return w;
    }
}
