package dev.orgos.governance.decision;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * The autonomous actions one agent took on one budget, for a rolling window: an entry at time t
 * counts while t is after {@code now - window}. So with a 1-hour window, an action at 10:00:00
 * still counts at 10:59:59.999 and no longer at 11:00:00. Not thread-safe: one owner (a router
 * partition) at a time.
 */
public final class RollingWindow {
    /**
     * The entries, oldest first, in a ring of two primitive arrays: 16 bytes an entry, up to 32 with
     * the room a doubling leaves, where a queue of {@code long[]} pairs took about 40 (a busy agent's
     * day at ten actions a second was 35 MB).
     */
    private long[] times = new long[INITIAL];
    private double[] amounts = new double[INITIAL];
    private int head;
    private int size;
    private static final int INITIAL = 4; // a power of two, as every capacity after it
    /**
     * The exact sum of the entries' amounts, kept as they come and go, so that a usage costs what
     * it drops, not the whole window: an agent at ten actions a second has 864,000 entries in a
     * day's window, and summing them on every decision cost the router milliseconds per action.
     * Exact (a double converts to a BigDecimal without loss), so the total does not depend on the
     * order entries came and went: a state restored from its deltas answers as the live one did.
     */
    private BigDecimal total = BigDecimal.ZERO;

    public void add(Instant at, double amount) {
        if (size == times.length) {
            resize(times.length * 2);
        }
        int tail = (head + size) & (times.length - 1);
        times[tail] = at.toEpochMilli();
        amounts[tail] = amount;
        size++;
        newest = Math.max(newest, at.toEpochMilli());
        if (amount != 0) {
            total = total.add(new BigDecimal(amount));
        }
    }

    /** Drops what no window of this length ending at or after {@code now} can see, and sums the rest. */
    public BudgetUsage.Usage usage(Instant now, Duration window) {
        long cutoff = now.toEpochMilli() - window.toMillis();
        while (size > 0 && times[head] <= cutoff) {
            double amount = amounts[head];
            if (amount != 0) {
                total = total.subtract(new BigDecimal(amount));
            }
            head = (head + 1) & (times.length - 1);
            size--;
        }
        if (times.length > 64 && size < times.length / 4) {
            resize(times.length / 2); // a busy spell's room is given back as it passes
        }
        return new BudgetUsage.Usage(size, total.doubleValue());
    }

    /** Room for {@code capacity} entries (a power of two, at least their number), unrolled to start at 0. */
    private void resize(int capacity) {
        long[] t = new long[capacity];
        double[] a = new double[t.length];
        for (int i = 0; i < size; i++) {
            int from = (head + i) & (times.length - 1);
            t[i] = times[from];
            a[i] = amounts[from];
        }
        times = t;
        amounts = a;
        head = 0;
    }

    /**
     * The time of the newest entry, in epoch milliseconds; Long.MIN_VALUE when empty. The latest time
     * added, not the last entry's: entries come in the order of their records, whose times need not be.
     */
    public long newestMillis() {
        return size == 0 ? Long.MIN_VALUE : newest;
    }

    private long newest = Long.MIN_VALUE;

    public boolean isEmpty() {
        return size == 0;
    }

    /** Compact form for a state changelog: "millis:amount,millis:amount". */
    public String encode() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < size; i++) {
            int at = (head + i) & (times.length - 1);
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(times[at]).append(':').append(amounts[at]);
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
