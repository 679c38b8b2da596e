package dev.orgos.router.routing;

import dev.orgos.router.charter.RouterConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive unless a routing transaction has been in progress for longer than
 * {@code orgos.router.transaction-stuck-after} (5 minutes): then it is stuck on a wait that nothing
 * bounds, this router decides nothing, and a restart is the remedy (its partitions go to the other
 * routers meanwhile). The log said so, with where the thread waits, from 30 s on.
 */
@Liveness
@ApplicationScoped
public class RoutingLiveness implements HealthCheck {

    @Inject
    RoutingTransactions transactions;

    @Inject
    RouterConfig config;

    @Override
    public HealthCheckResponse call() {
        java.time.Duration inProgress = transactions.inProgress();
        var response = HealthCheckResponse.named("Routing transactions").withData("inProgressSeconds", inProgress.toSeconds());
        return inProgress.compareTo(config.transactionStuckAfter()) > 0
                ? response.down().withData("reason", "a routing transaction has been in progress for " + inProgress.toSeconds()
                        + " s; see the log for where it waits").build()
                : response.up().build();
    }
}
