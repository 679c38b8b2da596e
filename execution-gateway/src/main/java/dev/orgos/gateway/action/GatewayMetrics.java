package dev.orgos.gateway.action;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Map;

/**
 * The gateway's side of the dashboard: actions accepted, refused by reason, and violations
 * (an agent reporting that it executed an action that was not approved); and how long a
 * submission spends being recorded and being sent. Registered at start
 * with zero, so a dashboard shows 0 rather than "no data".
 */
@Startup
@Singleton
public class GatewayMetrics {

    public enum Refusal {
        INVALID, RATE_LIMITED, IDEMPOTENCY_KEY_REUSED, ACTION_ID_REUSED
    }

    @Inject
    MeterRegistry registry;

    private Counter accepted;
    private Counter violations;
    private io.micrometer.core.instrument.Timer recording;
    private io.micrometer.core.instrument.Timer onBroker;
    private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);

    @PostConstruct
    void register() {
        accepted = Counter.builder("orgos.gateway.actions.accepted").description("Actions accepted and put on the mesh").register(registry);
        violations = Counter.builder("orgos.gateway.violations")
                .description("Reports of executing an action that was not allowed to proceed").register(registry);
        // where a submission's time goes, for an operator asking why POSTs are slow
        recording = io.micrometer.core.instrument.Timer.builder("orgos.gateway.submission.recording")
                .description("Claiming the idempotency key and recording the action as PENDING in PostgreSQL").register(registry);
        onBroker = io.micrometer.core.instrument.Timer.builder("orgos.gateway.submission.sending")
                .description("Sending the action until the broker acknowledged it (acks=all)").register(registry);
        for (Refusal r : Refusal.values()) {
            refused.put(r, Counter.builder("orgos.gateway.actions.refused").description("Actions refused before reaching the mesh")
                    .tag("reason", r.name().toLowerCase()).register(registry));
        }
    }

    public void accepted() {
        accepted.increment();
    }

    public void refused(Refusal why) {
        refused.get(why).increment();
    }

    public void recorded(long startNanos) {
        recording.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void sent(long startNanos) {
        onBroker.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void violation() {
        violations.increment();
    }
}
