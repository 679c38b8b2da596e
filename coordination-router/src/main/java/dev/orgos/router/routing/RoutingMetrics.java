package dev.orgos.router.routing;

import dev.orgos.governance.decision.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decisions by outcome and pathway ({@code orgos_decisions_total}) and dead letters
 * ({@code orgos_router_dead_letters_total}). Counted only once the routing transaction has
 * committed, so an aborted batch decided again is not counted twice. And how long each routing
 * transaction takes from begin to commit ({@code orgos_router_transaction_seconds}): every
 * verdict waits for its transaction's commit, and for the one before it.
 */
@io.quarkus.runtime.Startup
@ApplicationScoped
public class RoutingMetrics {

    @Inject
    MeterRegistry registry;

    private final Map<String, Counter> decisions = new ConcurrentHashMap<>();
    private Counter deadLetters;
    private io.micrometer.core.instrument.Timer transactions;

    @jakarta.annotation.PostConstruct
    void register() {
        deadLetters = Counter.builder("orgos.router.dead.letters")
                .description("Records sent to the dead-letter topic: unreadable, or breaking the action contract").register(registry);
        transactions = io.micrometer.core.instrument.Timer.builder("orgos.router.transaction")
                .description("A routing transaction, from its begin to its commit (or abort)")
                // how many took longer than a verdict may: a slow commit delays every action in and behind it
                .serviceLevelObjectives(java.time.Duration.ofMillis(20), java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(100))
                .register(registry);
    }

    /** One routing transaction took this long, begun at {@code startNanos} (System.nanoTime). */
    public void transaction(long startNanos) {
        transactions.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** What one transaction decided, to be counted after its commit. */
    public static final class Tally {
        private final Map<String, Integer> byOutcomeAndPathway = new HashMap<>();
        private int deadLetters;

        void decided(Outcome outcome, String pathwayId) {
            byOutcomeAndPathway.merge(outcome.name() + '\u0000' + (pathwayId == null ? "none" : pathwayId), 1, Integer::sum);
        }

        void deadLettered() {
            deadLetters++;
        }
    }

    public void committed(Tally tally) {
        tally.byOutcomeAndPathway.forEach((key, n) -> decisions.computeIfAbsent(key, k -> {
            int cut = k.indexOf('\u0000');
            return Counter.builder("orgos.decisions").description("Actions decided by the charter, by outcome and pathway")
                    .tag("outcome", k.substring(0, cut)).tag("pathway", k.substring(cut + 1)).register(registry);
        }).increment(n));
        if (tally.deadLetters > 0) {
            deadLetters.increment(tally.deadLetters);
        }
    }
}
