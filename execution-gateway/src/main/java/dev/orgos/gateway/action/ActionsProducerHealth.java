package dev.orgos.gateway.action;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while accepted actions reach the broker ({@link SendHealth}): a gateway that cannot
 * put them there answers every submission 503, and a load balancer should send them elsewhere.
 * SmallRye's channel health said this while an emitter sent them; the plain producer says it here.
 */
@Readiness
@ApplicationScoped
public class ActionsProducerHealth implements HealthCheck {

    @Inject
    ActionsProducer producer;

    @Override
    public HealthCheckResponse call() {
        String problem = producer.health().problem(System.nanoTime());
        var response = HealthCheckResponse.named("Accepted actions to the broker");
        return problem == null ? response.up().build() : response.down().withData("reason", problem).build();
    }
}
