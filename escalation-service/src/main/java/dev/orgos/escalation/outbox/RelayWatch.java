package dev.orgos.escalation.outbox;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The outbox relay's run in progress, and what it is doing, looked at from the relay's timer.
 *
 * <p>A run never overlaps the next one in a replica, so a run that never ends stops the relay for
 * good: every decision, verdict and ledger fact stays in the outbox, the agents wait, and nothing
 * else says so. Every wait in a run is bounded (a registry request by
 * {@code orgos.registry.request-timeout-ms}, a Kafka send by {@code delivery.timeout.ms}, two
 * minutes), so a run that takes far longer is stuck. The warning names the step it is stuck in;
 * the liveness check turns DOWN, so that an orchestrator restarts the service (the rows are still
 * unsent, and the restarted relay publishes them).
 */
final class RelayWatch {

    private record Run(long since, String doing) {
    }

    private volatile Run current;
    /** When the last warning was given (System.nanoTime); guarded by this. */
    private long warnedAt;
    private boolean warned;

    /** A run begins at {@code now} (System.nanoTime). */
    void begun(long now, String doing) {
        current = new Run(now, doing);
    }

    /** The run in progress goes on to its next step. */
    void doing(String what) {
        Run c = current;
        if (c != null) {
            current = new Run(c.since(), what);
        }
    }

    void ended() {
        current = null;
    }

    /** How long the run in progress has taken by {@code now}; zero between runs. */
    Duration inProgress(long now) {
        Run c = current;
        return c == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, now - c.since()));
    }

    /**
     * What to log about the run in progress at {@code now}, if anything: once it has taken
     * {@code warnAfter}, and again each {@code warnAfter} while it goes on.
     */
    synchronized Optional<String> warning(long now, Duration warnAfter, Duration stuckAfter) {
        Run c = current;
        if (c == null || now - c.since() < warnAfter.toNanos() || (warned && now - warnedAt < warnAfter.toNanos())) {
            return Optional.empty();
        }
        warned = true;
        warnedAt = now;
        return Optional.of(String.format(Locale.ROOT,
                "The outbox relay has been %s for %d s: decisions, verdicts and ledger facts wait in the outbox, and the agents "
                        + "with them. A broker or registry that is away holds a run up to two minutes; longer than that it is "
                        + "stuck, and the liveness check says DOWN after %d s (orgos.escalation.outbox-stuck-after) so that the "
                        + "service is restarted",
                c.doing(), Duration.ofNanos(now - c.since()).toSeconds(), stuckAfter.toSeconds()));
    }
}
