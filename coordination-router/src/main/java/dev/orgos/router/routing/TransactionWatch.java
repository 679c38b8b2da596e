package dev.orgos.router.routing;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The routing transaction in progress, watched from outside its thread. Every wait inside a
 * transaction is bounded (the producer's {@code max.block.ms}, the registry's request timeout), so
 * one that goes on far longer is stuck on something unbounded, and routing with it: every verdict
 * waits. Once, a router's first transaction waited for ever on a registry request and nothing said
 * so; the thread dump that showed where it waited is what this puts in the log.
 */
final class TransactionWatch {

    private record InProgress(Thread thread, long since) {
    }

    private volatile InProgress current;
    /**
     * When a warning was last given (System.nanoTime), guarded by this: a transaction that reaches the
     * limit began after any earlier warning, so the last one never holds back a new transaction's first.
     */
    private long warnedAt;
    private boolean warned;

    /** A transaction begins on the calling thread at {@code now} (System.nanoTime). */
    void begun(long now) {
        current = new InProgress(Thread.currentThread(), now);
    }

    void ended() {
        current = null;
    }

    /** How long the transaction in progress has taken by {@code now}; zero when there is none. */
    Duration inProgress(long now) {
        InProgress c = current;
        return c == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, now - c.since()));
    }

    /**
     * What to log about the transaction in progress at {@code now}, if anything: once it has taken
     * {@code warnAfter}, and again each {@code warnAfter} while it goes on, with where its thread waits.
     */
    synchronized Optional<String> warning(long now, Duration warnAfter) {
        InProgress c = current;
        if (c == null || now - c.since() < warnAfter.toNanos() || (warned && now - warnedAt < warnAfter.toNanos())) {
            return Optional.empty();
        }
        warned = true;
        warnedAt = now;
        String where = Arrays.stream(c.thread().getStackTrace()).limit(40).map(f -> "\tat " + f)
                .collect(Collectors.joining("\n"));
        return Optional.of(String.format(java.util.Locale.ROOT,
                "A routing transaction has been in progress for %d s: routing is held up, and every verdict with it (a broker "
                        + "that is away holds it up to a minute per wait; anything longer is stuck). Thread %s waits here:%n%s",
                Duration.ofNanos(now - c.since()).toSeconds(), c.thread().getName(), where));
    }
}
