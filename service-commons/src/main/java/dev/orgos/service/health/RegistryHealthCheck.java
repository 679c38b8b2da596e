package dev.orgos.service.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the schema registry answers: without it no record can be written or read
 * (the serde looks every schema up there), so a load balancer should not send work here.
 * Kafka's and the database's checks come with their extensions.
 */
@Readiness
@ApplicationScoped
public class RegistryHealthCheck implements AsyncHealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @ConfigProperty(name = "mp.messaging.connector.smallrye-kafka.apicurio.registry.url")
    Optional<String> registryUrl;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    @Override
    public Uni<HealthCheckResponse> call() {
        // a blocking HTTP call with a short timeout, off the event loop
        return Uni.createFrom().item(this::check).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private HealthCheckResponse check() {
        var response = HealthCheckResponse.named("Schema registry");
        if (registryUrl.isEmpty()) {
            return response.down().withData("reason", "no registry URL is configured").build();
        }
        String url = registryUrl.get().replaceAll("/+$", "") + "/system/info";
        response.withData("url", url);
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 ? response.up().build()
                    : response.down().withData("reason", "the registry answered HTTP " + r.statusCode()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response.down().withData("reason", "interrupted").build();
        } catch (Exception e) {
            return response.down().withData("reason", "the registry did not answer: " + e).build();
        }
    }
}
