package dev.orgos.service.kafka;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * What a consume-transform-produce channel does with a batch whose transaction failed: it rewinds
 * and takes the batch again, and never hands the failure back to SmallRye.
 *
 * <p>Why: a method that takes a whole batch acknowledges it itself (its offsets go in the
 * transaction), so SmallRye has nothing to nack when the method's Uni fails; it ends the channel
 * instead, closes the consumer, and the instance never consumes again while it looks alive. A
 * transaction fails in ordinary operation (a rebalance, a fenced producer, a broker restart), so
 * that was a router or ledger quietly leaving its consumer group for good.
 *
 * <p>The rewind seeks the consumer back to its last committed offsets, and SmallRye drops the
 * records it had fetched beyond them, so nothing after the failed batch is processed first and
 * nothing is skipped. A rewind that fails (the group coordinator is away) is tried again until it
 * works: going on without it would skip the failed batch. A batch that fails again and again (a
 * record the code cannot handle) is retried more slowly each time, up to every 10 seconds, with a
 * warning each time, rather than skipped: a stuck partition is visible, a lost action is not.
 */
@ApplicationScoped
public class Rewinds {
    private static final Logger LOG = Logger.getLogger(Rewinds.class);
    static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);

    @Inject
    KafkaClientService clients;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    /** Failures in a row, per channel; a batch that commits sets its channel's back to 0. */
    private final java.util.Map<String, AtomicInteger> failuresInARow = new java.util.concurrent.ConcurrentHashMap<>();

    /** A batch of this channel committed: the next failure is retried at once again. */
    public void succeeded(String channel) {
        AtomicInteger n = failuresInARow.get(channel);
        if (n != null) {
            n.set(0);
        }
    }

    /**
     * Rewinds the channel's consumer to its last committed offsets, after a pause that grows with
     * the failures in a row; completes (never fails) once the consumer is rewound.
     */
    public Uni<Void> rewind(String channel, Throwable cause) {
        int inARow = failuresInARow.computeIfAbsent(channel, c -> new AtomicInteger()).incrementAndGet();
        io.micrometer.core.instrument.Counter.builder("orgos.batches.rewound")
                .description("Batches whose transaction failed and that were taken again from the last committed offsets")
                .tag("channel", channel).register(registry).increment();
        Duration pause = pauseAfter(inARow);
        LOG.warnf("A batch from channel '%s' failed (%s); its input is rewound to the last committed offsets and it is "
                        + "processed again%s", channel, describe(cause),
                pause.isZero() ? "" : " in " + pause.toMillis() + " ms (" + inARow + " failures in a row)");
        Uni<Void> wait = pause.isZero() ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(pause);
        return wait.chain(() -> clients.getConsumer(channel).resetToLastCommittedPositions())
                .onFailure().invoke(e -> LOG.warnf("Could not rewind channel '%s' yet (%s); trying again", channel, describe(e)))
                .onFailure().retry().withBackOff(FIRST_PAUSE, LONGEST_PAUSE).indefinitely();
    }

    /** None for a first failure (a rebalance, a fenced producer: the next try works), then doubling. */
    static Duration pauseAfter(int failuresInARow) {
        if (failuresInARow <= 1) {
            return Duration.ZERO;
        }
        long millis = FIRST_PAUSE.toMillis() << Math.min(failuresInARow - 2, 20);
        return millis >= LONGEST_PAUSE.toMillis() ? LONGEST_PAUSE : Duration.ofMillis(millis);
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
