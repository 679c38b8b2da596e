package dev.orgos.gateway.action;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The actions this replica put on the broker and has not yet heard decided, so that a worker's
 * retry meanwhile is answered with the original acceptance rather than sending the action again.
 *
 * <p>Once an action is decided its state in the database says so, and a retry reads that. Until
 * then only memory knows that the broker has it. That used to be a database row too (a "sent" note
 * per action): about an eighth of PostgreSQL's CPU per action (docs/benchmarks.md), for the few
 * retries that come in the milliseconds before a decision. Forgetting costs little: a retry that this replica does not
 * remember (after a restart, on another replica, past {@code memory} or past {@link #MOST}) sends
 * the action once more, and the router decides an action id once.
 */
@io.quarkus.runtime.Startup // its gauge from the start, at 0
@Singleton
public class AwaitingDecision {
    /** Beyond this many, new acknowledgements are not remembered (the router down for long at full rate). */
    static final int MOST = 100_000;

    /** How long an acknowledgement is remembered when no decision comes. */
    @ConfigProperty(name = "orgos.gateway.awaiting-decision-memory", defaultValue = "60s")
    Duration memory;

    /** Action id to when the broker acknowledged it (System.nanoTime). */
    private final ConcurrentHashMap<String, Long> acknowledgedAt = new ConcurrentHashMap<>();
    /** System.nanoTime, but a test's own clock in tests. */
    java.util.function.LongSupplier clock = System::nanoTime;
    /** When old acknowledgements were last swept away; set on first use, by the clock then in use. */
    private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE);

    /** The broker acknowledged this action. */
    public void acknowledged(String actionId) {
        long now = clock.getAsLong();
        if (lastSweep.get() == Long.MIN_VALUE) {
            lastSweep.compareAndSet(Long.MIN_VALUE, now);
        }
        if (acknowledgedAt.size() < MOST) {
            acknowledgedAt.put(actionId, now);
        }
        long last = lastSweep.get();
        if (now - last > memory.toNanos() / 4 && lastSweep.compareAndSet(last, now)) {
            acknowledgedAt.values().removeIf(at -> now - at > memory.toNanos());
        }
    }

    /** Whether this replica knows that the broker has this action. */
    public boolean remembers(String actionId) {
        Long at = acknowledgedAt.get(actionId);
        return at != null && clock.getAsLong() - at <= memory.toNanos();
    }

    /** The action's state changed, so the database now says it was decided. */
    public void decided(String actionId) {
        acknowledgedAt.remove(actionId);
    }

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    /**
     * How many are remembered, for the operator: it grows while the router decides nothing (down,
     * or far behind) and stays near zero otherwise.
     */
    @jakarta.annotation.PostConstruct
    void register() {
        io.micrometer.core.instrument.Gauge.builder("orgos.gateway.awaiting.decision", acknowledgedAt, java.util.Map::size)
                .description("Actions this replica put on the broker whose decision it has not yet heard of").register(registry);
    }

    /** What a restart does. Tests stand in for a crash with it. */
    public void forgetAll() {
        acknowledgedAt.clear();
    }

    /** How many acknowledgements are remembered now. */
    int remembered() {
        return acknowledgedAt.size();
    }
}
