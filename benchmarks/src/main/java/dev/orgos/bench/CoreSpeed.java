package dev.orgos.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How fast a core of this machine runs, measured beside the load, once a second: the CPU time two
 * fixed pieces of work take on this thread, one that stays in the core (SHA-256 over 1 MB) and
 * one that waits on memory (100,000 dependent reads at random across 64 MB, as a JVM's heap is
 * read: a neighbour on the host that fills the shared caches slows this one, not the first).
 * The figure a benchmark gives
 * depends on it, and on a shared host it does not hold still: on 2026-11-27 the same Python loop
 * took 0.61 to 1.11 s within a minute, and the whole mesh needed more than twice the CPU per
 * action of the session before. Printed with each phase, it says whether two runs ran on the same
 * machine, as far as their numbers can be compared. It costs about 10 ms of CPU a second, and 64 MB of the driver's heap.
 *
 * <p>CPU time, not wall time: a probe that waited for a core while the mesh used both would
 * measure the load, not the core. What it does catch is a core that runs slower while it runs (a
 * busy neighbour on the same physical core, a lower clock), which the host's steal time does not
 * show.
 */
final class CoreSpeed implements AutoCloseable {
    private static final int WORK_BYTES = 1024 * 1024;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final List<Probe> probes = new ArrayList<>();
    private static final int CHASE_SLOTS = 16 * 1024 * 1024; // 64 MB of ints, past any cache
    private static final int CHASE_READS = 100_000;
    private final Thread prober;
    private volatile boolean stopped;

    /** One probe: SHA-256's speed, in MB per CPU-second, and a memory read's time, in nanoseconds. */
    record Probe(double shaMegabytesPerSecond, double readNanos) {
    }

    private CoreSpeed() {
        prober = new Thread(this::probeEverySecond, "core-speed");
        prober.setDaemon(true);
    }

    /** Starts probing at once, in the background. */
    static CoreSpeed start() {
        CoreSpeed speed = new CoreSpeed();
        speed.prober.start();
        return speed;
    }

    /** A position in the record, to read what came after it with {@link #since}. */
    synchronized int mark() {
        return probes.size();
    }

    /** The probes since {@code mark}: SHA-256's speed and a memory read's time, each on average and its range. */
    synchronized String since(int mark) {
        return summary(List.copyOf(probes.subList(mark, probes.size())));
    }

    static String summary(List<Probe> probes) {
        if (probes.isEmpty()) {
            return "a core's speed: not measured";
        }
        return String.format(Locale.ROOT, "a core's speed: SHA-256 at %s MB per CPU-second, a read from memory %s ns (%d probes)",
                meanAndRange(probes.stream().mapToDouble(Probe::shaMegabytesPerSecond)),
                meanAndRange(probes.stream().mapToDouble(Probe::readNanos)), probes.size());
    }

    private static String meanAndRange(java.util.stream.DoubleStream values) {
        var stats = values.summaryStatistics();
        return String.format(Locale.ROOT, "%.0f (%.0f-%.0f)", stats.getAverage(), stats.getMin(), stats.getMax());
    }

    private void probeEverySecond() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            return; // every JDK has it; without it there is nothing to say
        }
        byte[] work = new byte[WORK_BYTES];
        new java.util.Random(42).nextBytes(work);
        int[] next = randomCycle(CHASE_SLOTS, new java.util.Random(42));
        int at = 0;
        for (int i = 0; i < 200; i++) {
            sha.digest(work); // compiled before the first probe counts
            at = chase(next, at, CHASE_READS / 10);
        }
        while (!stopped) {
            long cpu = threads.getCurrentThreadCpuTime();
            sha.digest(work);
            long hashed = threads.getCurrentThreadCpuTime();
            at = chase(next, at, CHASE_READS);
            long chased = threads.getCurrentThreadCpuTime();
            if (hashed > cpu && chased > hashed) {
                synchronized (this) {
                    probes.add(new Probe(WORK_BYTES / 1e6 / ((hashed - cpu) / 1e9), (chased - hashed) / (double) CHASE_READS));
                }
            }
            try {
                Thread.sleep(1_000); // a pause between probes, not synchronisation
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One cycle through every slot, in random order (Sattolo's shuffle): each read depends on the one before. */
    static int[] randomCycle(int slots, java.util.Random random) {
        int[] next = new int[slots];
        for (int i = 0; i < slots; i++) {
            next[i] = i;
        }
        for (int i = slots - 1; i > 0; i--) {
            int j = random.nextInt(i);
            int swap = next[i];
            next[i] = next[j];
            next[j] = swap;
        }
        return next;
    }

    /** Follows the cycle {@code reads} steps from {@code at}; answers where it ended, so that the reads cannot be skipped. */
    static int chase(int[] next, int at, int reads) {
        for (int i = 0; i < reads; i++) {
            at = next[at];
        }
        return at;
    }

    @Override
    public void close() {
        stopped = true;
        prober.interrupt();
    }
}
