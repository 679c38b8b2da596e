package dev.orgos.escalation.outbox;

import dev.orgos.escalation.charter.EscalationConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive unless an outbox relay run has been in progress for longer than
 * {@code orgos.escalation.outbox-stuck-after} (5 minutes): then it is stuck on a wait that nothing
 * bounds, nothing more is published by this replica, and a restart is the remedy (the rows are still
 * unsent; the restarted relay publishes them). The log said so, with the step, from 30 s on.
 */
@Liveness
@ApplicationScoped
public class RelayLiveness implements HealthCheck {

    @Inject
    OutboxRelay relay;

    @Inject
    EscalationConfig config;

    @Override
    public HealthCheckResponse call() {
        java.time.Duration inProgress = relay.inProgress();
        var response = HealthCheckResponse.named("Outbox relay").withData("runInProgressSeconds", inProgress.toSeconds());
        return inProgress.compareTo(config.outboxStuckAfter()) > 0
                ? response.down().withData("reason", "an outbox relay run has been in progress for " + inProgress.toSeconds()
                        + " s; see the log for the step it is stuck in").build()
                : response.up().build();
    }
}
