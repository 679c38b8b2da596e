package dev.orgos.escalation.outbox;

import dev.orgos.service.health.RunWatch;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The outbox relay's run in progress, and what it is doing, looked at from the relay's timer.
 *
 * <p>A run never overlaps the next one in a replica, so a run that never ends stops the relay for
 * good: every decision, verdict and ledger fact stays in the outbox, the agents wait, and nothing
 * else says so. Every wait in a run is bounded (a registry request by
 * {@code orgos.registry.request-timeout-ms}, a Kafka send by {@code delivery.timeout.ms}, 30 s,
 * and each wait of the producer by {@code max.block.ms}, 30 s), so a run that takes far longer is stuck. The warning names the step it is stuck in;
 * the liveness check turns DOWN, so that an orchestrator restarts the service (the rows are still
 * unsent, and the restarted relay publishes them).
 */
final class RelayWatch {

    /** Known by its step: a run has no thread of its own to show. */
    private final RunWatch<String> runs = new RunWatch<>();

    /** A run begins at {@code now} (System.nanoTime). */
    void begun(long now, String doing) {
        runs.begun(now, doing);
    }

    /** The run in progress goes on to its next step. */
    void doing(String what) {
        runs.now(what);
    }

    void ended() {
        runs.ended();
    }

    /** How long the run in progress has taken by {@code now}; zero between runs. */
    Duration inProgress(long now) {
        return runs.inProgress(now);
    }

    /**
     * What to log about the run in progress at {@code now}, if anything: once it has taken
     * {@code warnAfter}, and again each {@code warnAfter} while it goes on.
     */
    Optional<String> warning(long now, Duration warnAfter, Duration stuckAfter) {
        return runs.warning(now, warnAfter, (doing, took) -> String.format(Locale.ROOT,
                "The outbox relay has been %s for %d s: decisions, verdicts and ledger facts wait in the outbox, and the agents "
                        + "with them. A broker or registry that is away holds a run up to a minute or so; longer than that it is "
                        + "stuck, and the liveness check says DOWN after %d s (orgos.escalation.outbox-stuck-after) so that the "
                        + "service is restarted",
                doing, took.toSeconds(), stuckAfter.toSeconds()));
    }
}
