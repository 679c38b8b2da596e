package dev.orgos.console.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orgos.console.ConsoleConfig;
import dev.orgos.console.session.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Calls to the escalation and ledger services, always with the signed-in person's token: the
 * console adds no authority of its own. Blocking, so page methods run on worker threads.
 */
@ApplicationScoped
public class Backend {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Inject
    ConsoleConfig config;

    public enum Service { ESCALATION, LEDGER }

    /** What a service answered: JSON on success, or its problem detail, put in words. */
    public record Answer(int status, JsonNode body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The problem detail in one sentence, naming every field at fault. */
        public String problem() {
            if (ok()) {
                return null;
            }
            if ((status == 401 || status == 403) && !body.hasNonNull("detail")) {
                return status == 401 ? "Your sign-in has expired or was refused: sign in again."
                        : "Not allowed for your roles: the service refused it.";
            }
            StringBuilder s = new StringBuilder(body.path("detail").asText(body.path("title").asText("The service answered " + status + ".")));
            List<String> fields = new ArrayList<>();
            body.path("errors").forEach(e -> fields.add(e.path("field").asText() + " " + e.path("message").asText()));
            if (!fields.isEmpty()) {
                s.append(" (").append(String.join("; ", fields)).append(")");
            }
            return s.toString();
        }
    }

    public Answer get(Service service, String path, Map<String, String> query, User user) {
        return send(HttpRequest.newBuilder(uri(service, path, query)).GET(), user);
    }

    public Answer post(Service service, String path, Object body, User user) {
        try {
            return send(HttpRequest.newBuilder(uri(service, path, Map.of())).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), user);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Answer send(HttpRequest.Builder request, User user) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + user.token()).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body() == null || r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
            return new Answer(r.statusCode(), body);
        } catch (IOException e) {
            return new Answer(503, JSON.createObjectNode().put("title", "Service Unavailable")
                    .put("detail", "The service could not be reached (" + e.getMessage() + "). Nothing was changed; try again."));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(Service service, String path, Map<String, String> query) {
        String base = (service == Service.ESCALATION ? config.escalationUrl() : config.ledgerUrl()).replaceAll("/+$", "");
        String q = query.entrySet().stream().filter(e -> e.getValue() != null && !e.getValue().isBlank())
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return URI.create(base + path + (q.isEmpty() ? "" : "?" + q));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
