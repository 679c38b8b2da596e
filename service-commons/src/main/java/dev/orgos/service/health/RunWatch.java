package dev.orgos.service.health;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A run of work that must not overlap the next (a routing transaction, an outbox relay run), watched
 * from outside: how long the one in progress has taken, and a warning once it has taken too long,
 * again as often while it goes on. Every wait inside such a run is bounded, so one that goes on far
 * longer is stuck on something that is not, and everything behind it waits; the warning says where
 * ({@code T}: the thread that runs it, the step it is in), and a liveness check turns DOWN on
 * {@link #inProgress}.
 *
 * @param <T> what a run is known by while it is in progress
 */
public final class RunWatch<T> {

    private record Run<T>(long since, T what) {
    }

    private volatile Run<T> current;
    /**
     * When a warning was last given (System.nanoTime), guarded by this: a run that reaches the limit
     * began after any earlier warning, so the last one never holds back a new run's first.
     */
    private long warnedAt;
    private boolean warned;

    /** A run begins at {@code now} (System.nanoTime). */
    public void begun(long now, T what) {
        current = new Run<>(now, what);
    }

    /** The run in progress is now known by {@code what} (its next step); nothing when none is in progress. */
    public void now(T what) {
        Run<T> c = current;
        if (c != null) {
            current = new Run<>(c.since(), what);
        }
    }

    public void ended() {
        current = null;
    }

    /** How long the run in progress has taken by {@code now}; zero when there is none. */
    public Duration inProgress(long now) {
        Run<T> c = current;
        return c == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, now - c.since()));
    }

    /**
     * What to log about the run in progress at {@code now}, if anything: once it has taken
     * {@code warnAfter}, and again each {@code warnAfter} while it goes on, in the words of
     * {@code describe} (what the run is known by, how long it has taken).
     */
    public synchronized Optional<String> warning(long now, Duration warnAfter, BiFunction<T, Duration, String> describe) {
        Run<T> c = current;
        if (c == null || now - c.since() < warnAfter.toNanos() || (warned && now - warnedAt < warnAfter.toNanos())) {
            return Optional.empty();
        }
        warned = true;
        warnedAt = now;
        return Optional.of(describe.apply(c.what(), Duration.ofNanos(now - c.since())));
    }
}
