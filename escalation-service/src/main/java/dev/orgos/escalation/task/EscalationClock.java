package dev.orgos.escalation.task;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The time deadlines are measured with: the system clock, plus an offset that only tests move,
 * so that every deadline path is tested without waiting (and without sleeps).
 */
@ApplicationScoped
public class EscalationClock {
    private final Clock system = Clock.systemUTC();
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    public Instant instant() {
        return system.instant().plus(offset.get());
    }

    /** Moves this service's time forward. For tests; nothing in the API can reach it. */
    public void advance(Duration d) {
        offset.updateAndGet(o -> o.plus(d));
    }
}
