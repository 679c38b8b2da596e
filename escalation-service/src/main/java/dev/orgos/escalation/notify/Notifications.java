package dev.orgos.escalation.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Sends each notification to every configured notifier: always the log, and a webhook when
 * {@code orgos.escalation.webhook.url} is set. Called after the change is committed; a
 * notifier's failure never touches the decision path.
 */
@ApplicationScoped
public class Notifications {
    private static final Logger LOG = Logger.getLogger(Notifications.class);

    private final List<Notifier> notifiers;

    @Inject
    public Notifications(dev.orgos.escalation.charter.EscalationConfig config, ObjectMapper json) {
        Optional<String> url = config.webhook().url();
        Optional<String> secret = config.webhook().secret();
        Notifier log = n -> LOG.debugf("Notify %s: %s (escalation %s, level %d, act by %s)", n.assignee() == null ? "anchor " + n.anchor()
                : n.assignee() + " (" + n.anchor() + ")", n.summary(), n.escalationId(), n.level(), n.deadline());
        this.notifiers = url.filter(u -> !u.isBlank())
                .map(u -> List.of(log, new Webhook(URI.create(u), secret.orElse(""), json)))
                .orElseGet(() -> List.of(log));
    }

    public void send(Notification n) {
        for (Notifier notifier : notifiers) {
            try {
                notifier.send(n);
            } catch (RuntimeException e) {
                LOG.warnf("A notifier failed for escalation %s: %s", n.escalationId(), e.getMessage());
            }
        }
    }

    /**
     * POSTs the notification as JSON with {@code X-Orgos-Signature: sha256=<hex HMAC-SHA256 of the
     * body with the shared secret>}, retrying with exponential backoff (1 s, 2 s, 4 s, 8 s) on
     * failure or a non-2xx answer, asynchronously.
     */
    static final class Webhook implements Notifier {
        private static final int ATTEMPTS = 5;
        private final URI url;
        private final byte[] secret;
        private final ObjectMapper json;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        Webhook(URI url, String secret, ObjectMapper json) {
            this.url = url;
            this.secret = secret.getBytes(StandardCharsets.UTF_8);
            this.json = json;
            if (secret.isBlank()) {
                LOG.warn("The escalation webhook has no secret (orgos.escalation.webhook.secret): receivers cannot check its signature");
            }
        }

        @Override
        public void send(Notification n) {
            byte[] body;
            try {
                body = json.writeValueAsBytes(n);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            attempt(body, n, 1);
        }

        private void attempt(byte[] body, Notification n, int attempt) {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("X-Orgos-Signature", "sha256=" + sign(body))
                    .header("X-Orgos-Delivery", n.escalationId() + ":" + n.kind() + ":" + n.level())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                boolean ok = e == null && r.statusCode() / 100 == 2;
                if (ok) {
                    return;
                }
                String why = e != null ? e.getMessage() : "HTTP " + r.statusCode();
                if (attempt >= ATTEMPTS) {
                    LOG.errorf("Webhook %s gave up on escalation %s after %d attempts: %s", url, n.escalationId(), attempt, why);
                    return;
                }
                long delay = 1L << (attempt - 1);
                LOG.warnf("Webhook %s failed for escalation %s (%s); attempt %d in %d s", url, n.escalationId(), why, attempt + 1, delay);
                CompletableFuture.delayedExecutor(delay, TimeUnit.SECONDS).execute(() -> attempt(body, n, attempt + 1));
            });
        }

        String sign(byte[] body) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
                return HexFormat.of().formatHex(mac.doFinal(body));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
