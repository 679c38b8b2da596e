package dev.orgos.router.routing;

import dev.orgos.service.health.RunWatch;
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

    /** Known by the thread that runs it: its stack says where it waits. */
    private final RunWatch<Thread> runs = new RunWatch<>();

    /** A transaction begins on the calling thread at {@code now} (System.nanoTime). */
    void begun(long now) {
        runs.begun(now, Thread.currentThread());
    }

    void ended() {
        runs.ended();
    }

    /** How long the transaction in progress has taken by {@code now}; zero when there is none. */
    Duration inProgress(long now) {
        return runs.inProgress(now);
    }

    /**
     * What to log about the transaction in progress at {@code now}, if anything: once it has taken
     * {@code warnAfter}, and again each {@code warnAfter} while it goes on, with where its thread waits.
     */
    Optional<String> warning(long now, Duration warnAfter) {
        return runs.warning(now, warnAfter, (thread, took) -> String.format(java.util.Locale.ROOT,
                "A routing transaction has been in progress for %d s: routing is held up, and every verdict with it (a broker "
                        + "that is away holds it up to a minute per wait; anything longer is stuck). Thread %s waits here:%n%s",
                took.toSeconds(), thread.getName(),
                Arrays.stream(thread.getStackTrace()).limit(40).map(f -> "\tat " + f).collect(Collectors.joining("\n"))));
    }
}
