package dev.orgos.console.health;

import dev.orgos.console.ConsoleConfig;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the services it shows are alive: a console that can reach neither can only show errors. */
@Readiness
@ApplicationScoped
public class BackendsHealthCheck implements AsyncHealthCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    @Inject
    ConsoleConfig config;

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().item(this::check).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private HealthCheckResponse check() {
        var r = HealthCheckResponse.named("Escalation service and accountability ledger");
        boolean up = true;
        for (String[] s : new String[][] {{"escalation", config.escalationUrl()}, {"ledger", config.ledgerUrl()}}) {
            String url = s[1].replaceAll("/+$", "") + "/q/health/live";
            boolean alive;
            try {
                alive = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                alive = false;
            } catch (Exception e) {
                alive = false;
            }
            r.withData(s[0], alive ? "alive at " + s[1] : "not answering at " + url);
            up &= alive;
        }
        return r.status(up).build();
    }
}
