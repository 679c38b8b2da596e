package dev.orgos.escalation;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP endpoint for the escalation webhook; the first delivery of each run is refused, to exercise the retry. */
public class WebhookReceiver implements QuarkusTestResourceLifecycleManager {
    public static final String SECRET = "test-webhook-secret";
    public record Delivery(String signature, byte[] body) {
    }

    public static final ConcurrentLinkedQueue<Delivery> RECEIVED = new ConcurrentLinkedQueue<>();
    public static final AtomicInteger REFUSED = new AtomicInteger();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (REFUSED.getAndIncrement() == 0) {
                exchange.sendResponseHeaders(503, -1); // the receiver is down once: the sender must retry
            } else {
                RECEIVED.add(new Delivery(exchange.getRequestHeaders().getFirst("X-Orgos-Signature"), body));
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        server.start();
        return Map.of("orgos.escalation.webhook.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook",
                "orgos.escalation.webhook.secret", SECRET);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
