package dev.orgos.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's retries, against an HTTP server that answers as the gateway does when it cannot
 * serve a request now (503 or 429 with Retry-After). The gateway's own answers are tested against
 * the real mesh in e2e-tests; here, what the client does with them.
 */
class WorkerClientTest {

    /** One answer the server gives, in turn. */
    record Answer(int status, String retryAfter, String body) {
    }

    /** One request as the server saw it. */
    record Seen(long atNanos, String idempotencyKey, String body) {
    }

    HttpServer server;
    final Deque<Answer> answers = new ArrayDeque<>();
    final List<Seen> seen = new ArrayList<>();
    WorkerClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] request = exchange.getRequestBody().readAllBytes();
            Answer a;
            synchronized (this) {
                seen.add(new Seen(System.nanoTime(), exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                        new String(request, StandardCharsets.UTF_8)));
                a = answers.size() > 1 ? answers.poll() : answers.peek();
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            if (a.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", a.retryAfter());
            }
            exchange.getResponseHeaders().add("Content-Type", a.status() >= 400 ? "application/problem+json" : "application/json");
            exchange.sendResponseHeaders(a.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        client = WorkerClient.withApiKey(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "orgos_ak_test");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static Answer unavailable(String retryAfter) {
        return new Answer(503, retryAfter, "{\"title\":\"Service Unavailable\",\"status\":503}");
    }

    static final Answer ACCEPTED = new Answer(202, null, "{\"actionId\":\"a-1\",\"status\":\"PENDING\"}");

    @Test
    void aSubmissionAnswered503IsTriedAgainAfterTheGatewaysRetryAfterWithTheSameKey() {
        answers.add(unavailable("1"));
        answers.add(ACCEPTED);
        assertEquals("a-1", client.submit(Action.of("a-1", "refund.issue").amount(10, "EUR")));
        assertEquals(2, seen.size());
        assertEquals("a-1", seen.get(0).idempotencyKey());
        assertEquals("a-1", seen.get(1).idempotencyKey());
        assertEquals(seen.get(0).body(), seen.get(1).body(), "the same body: the gateway answers it with the original acceptance");
        long waited = Duration.ofNanos(seen.get(1).atNanos() - seen.get(0).atNanos()).toMillis();
        assertTrue(waited >= 900, "waited " + waited + " ms, not the second the gateway asked for");
    }

    @Test
    void aRateLimitedSubmissionIsTriedAgainToo() {
        answers.add(new Answer(429, "0", "{\"title\":\"Too Many Requests\",\"status\":429}"));
        answers.add(ACCEPTED);
        assertEquals("a-1", client.submit(Action.of("a-1", "refund.issue")));
        assertEquals(2, seen.size());
    }

    @Test
    void aRefusalIsNotTriedAgain() {
        answers.add(new Answer(400, null, "{\"title\":\"Invalid action\",\"status\":400}"));
        GatewayException e = assertThrows(GatewayException.class, () -> client.submit(Action.of("a-1", "refund.issue")));
        assertEquals(400, e.status());
        assertEquals(1, seen.size());
    }

    @Test
    void aGatewayThatStaysUnavailableIsReportedAfterEveryAttempt() {
        answers.add(unavailable(null));
        GatewayException e = assertThrows(GatewayException.class, () -> client.submit(Action.of("a-1", "refund.issue")));
        assertEquals(503, e.status());
        assertEquals(WorkerClient.ATTEMPTS, seen.size());
    }

    @Test
    void anOutcomeReportIsTriedAgainAsASubmissionIs() {
        answers.add(unavailable("0"));
        answers.add(new Answer(202, null, "{\"actionId\":\"a-1\",\"outcome\":\"EXECUTED\"}"));
        client.reportOutcome("a-1", true, "refunded 10 EUR");
        assertEquals(2, seen.size());
        assertEquals(seen.get(0).body(), seen.get(1).body());
    }

    /** A gateway that answers each poll at once (here a stub; a real one in the last second of a wait) is not asked in a busy loop. */
    @Test
    void awaitingAVerdictThatDoesNotComeAsksAFewTimesNotHundreds() {
        answers.add(new Answer(200, null, "{\"actionId\":\"a-1\",\"status\":\"PENDING\"}"));
        assertThrows(IllegalStateException.class, () -> client.awaitFinal("a-1", Duration.ofMillis(1500)));
        assertTrue(seen.size() >= 2 && seen.size() <= 10, seen.size() + " polls in 1.5 s");
    }

    @Test
    void retryAfterIsHonouredUpToALimitAndABackoffStandsInForAnythingElse() {
        assertEquals(Duration.ofSeconds(5), WorkerClient.retryAfter("5", 0));
        assertEquals(WorkerClient.LONGEST_WAIT, WorkerClient.retryAfter("3600", 0));
        assertEquals(Duration.ofMillis(800), WorkerClient.retryAfter(null, 2));
        assertEquals(Duration.ofMillis(400), WorkerClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", 1));
        assertEquals(Duration.ofMillis(200), WorkerClient.retryAfter("-1", 0));
        assertTrue(WorkerClient.worthRetrying(503));
        assertTrue(WorkerClient.worthRetrying(429));
        assertTrue(!WorkerClient.worthRetrying(409));
    }
}
