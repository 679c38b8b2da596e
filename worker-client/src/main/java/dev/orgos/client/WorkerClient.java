package dev.orgos.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What an AI worker needs: submit an action, wait for the verdict, and only then act.
 *
 * <pre>{@code
 * var client = new WorkerClient(URI.create("http://127.0.0.1:8080"), () -> token);
 * ActionState verdict = client.submitAndAwait(Action.of(null, "refund.issue").amount(120, "EUR").confidence(0.95),
 *         Duration.ofMinutes(5));
 * if (verdict.mayProceed()) { ... }
 * }</pre>
 *
 * A request the gateway could not answer (the network failed, a 5xx) or asked to repeat later
 * (429, its rate limit) is tried again, after the {@code Retry-After} the gateway gave or else a
 * short backoff: {@value #ATTEMPTS} attempts in all. Retries are safe: a submission carries its
 * action id as {@code Idempotency-Key}, and an outcome report repeated is answered as the first.
 */
public final class WorkerClient {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final URI gateway;
    private final String authHeader;
    private final Supplier<String> authValue;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A worker that authenticates with a JWT; the supplier is asked for each request, so it may refresh the token. */
    public WorkerClient(URI gateway, Supplier<String> token) {
        this(gateway, "Authorization", () -> "Bearer " + token.get());
    }

    private WorkerClient(URI gateway, String authHeader, Supplier<String> authValue) {
        this.gateway = gateway;
        this.authHeader = authHeader;
        this.authValue = authValue;
    }

    /** A worker that authenticates with an API key an admin issued for it (header {@code X-API-Key}). */
    public static WorkerClient withApiKey(URI gateway, String apiKey) {
        return new WorkerClient(gateway, "X-API-Key", () -> apiKey);
    }

    /** Submits the action and returns its id (the one given, or a new one). */
    public String submit(Action action) {
        return read(post(action, 0).body()).get("actionId").asText();
    }

    /**
     * Submits the action and waits until its verdict is final or {@code timeout} passes, in one request
     * when the verdict comes within a minute (the gateway's {@code Prefer: wait}): an autonomous verdict
     * arrives with the POST's answer. Past that, it long-polls as {@link #awaitFinal} does.
     */
    public ActionState submitAndAwait(Action action, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        HttpResponse<String> r = post(action, (int) Math.max(1, Math.min(60, timeout.toSeconds())));
        ActionState state = state(r.body());
        if (state.isFinal() || !Instant.now().isBefore(deadline)) {
            return state;
        }
        return awaitFinal(state.actionId(), Duration.between(Instant.now(), deadline));
    }

    private HttpResponse<String> post(Action action, int waitSeconds) {
        Action withId = action.actionId() != null ? action
                : new Action(UUID.randomUUID().toString(), action.actionType(), action.description(), action.amount(),
                action.currency(), action.confidence(), action.riskScore(), action.reversible(), action.targetSystem(),
                action.parameters());
        HttpRequest request;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(gateway.resolve("/v1/actions"))
                    .header(authHeader, authValue.get())
                    .header("Content-Type", "application/json")
                    // the same key on every retry: the gateway answers a retry with the original acceptance
                    .header("Idempotency-Key", withId.actionId())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(withId)))
                    .timeout(Duration.ofSeconds(30L + waitSeconds));
            if (waitSeconds > 0) {
                b.header("Prefer", "wait=" + waitSeconds);
            }
            request = b.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpResponse<String> r = send(request, ATTEMPTS);
        if (r.statusCode() != 202) {
            throw new GatewayException(r.statusCode(), r.body());
        }
        return r;
    }

    private static ActionState state(String body) {
        try {
            return JSON.readValue(body, ActionState.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ActionState get(String actionId) {
        return get(actionId, 0);
    }

    /** The state, waiting up to {@code waitSeconds} (at most 60) on the gateway for a final one. */
    public ActionState get(String actionId, int waitSeconds) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(gateway.resolve("/v1/actions/" + actionId + "?waitSeconds=" + waitSeconds))
                .header(authHeader, authValue.get()).timeout(Duration.ofSeconds(waitSeconds + 30L)).GET().build(), ATTEMPTS);
        if (r.statusCode() != 200) {
            throw new GatewayException(r.statusCode(), r.body());
        }
        return state(r.body());
    }

    /**
     * Waits until the verdict is final (allowed, rejected or expired), or the timeout passes: long
     * polls, no busy loop. Each poll asks the gateway to wait for what is left, rounded up to whole
     * seconds (rounded down, the last second's polls were answered at once, one after another); one
     * answered early and not final is followed by a short pause.
     */
    public ActionState awaitFinal(String actionId, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            long leftMillis = Duration.between(Instant.now(), deadline).toMillis();
            long asked = System.nanoTime();
            try {
                ActionState s = get(actionId, (int) Math.max(1, Math.min(30, (leftMillis + 999) / 1000)));
                if (s.isFinal()) {
                    return s;
                }
            } catch (GatewayException e) {
                if (e.status() != 404) { // 404 only until the gateway has recorded the acceptance
                    throw e;
                }
            }
            Duration stillLeft = Duration.between(Instant.now(), deadline);
            if (stillLeft.isNegative() || stillLeft.isZero()) {
                throw new IllegalStateException("no final verdict for " + actionId + " within " + timeout);
            }
            if (Duration.ofNanos(System.nanoTime() - asked).compareTo(EARLY_ANSWER) < 0) {
                sleep(stillLeft.compareTo(EARLY_ANSWER_PAUSE) < 0 ? stillLeft : EARLY_ANSWER_PAUSE);
            }
        }
    }

    /** A poll answered sooner than this, not final, is followed by {@link #EARLY_ANSWER_PAUSE}. */
    private static final Duration EARLY_ANSWER = Duration.ofSeconds(1);
    private static final Duration EARLY_ANSWER_PAUSE = Duration.ofMillis(200);

    /**
     * Reports what the worker did with an allowed action: EXECUTED or FAILED, with a summary. Retried
     * as every request is (see the class): the gateway answers the same report again as it did the
     * first, so a retry never doubles it. A different outcome reported
     * earlier for the action is a {@link GatewayException} with status 409.
     */
    public void reportOutcome(String actionId, boolean executed, String summary) {
        String body;
        try {
            body = JSON.writeValueAsString(java.util.Map.of("status", executed ? "EXECUTED" : "FAILED", "summary", summary));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpResponse<String> r = send(HttpRequest.newBuilder(gateway.resolve("/v1/actions/" + actionId + "/outcome"))
                .header(authHeader, authValue.get()).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), ATTEMPTS);
        if (r.statusCode() != 202) {
            throw new GatewayException(r.statusCode(), r.body());
        }
    }

    /** Attempts per request, the first included. */
    static final int ATTEMPTS = 4;
    /** The longest a retry waits, whatever Retry-After says: a worker blocked longer should hear why. */
    static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

    private HttpResponse<String> send(HttpRequest request, int attempts) {
        IOException last = null;
        for (int i = 0; i < attempts; i++) {
            HttpResponse<String> r = null;
            try {
                r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (!worthRetrying(r.statusCode()) || i == attempts - 1) {
                    return r;
                }
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (i < attempts - 1) {
                sleep(retryAfter(r == null ? null : r.headers().firstValue("Retry-After").orElse(null), i));
            }
        }
        throw new UncheckedIOException("the gateway could not be reached at " + gateway, last);
    }

    /** 5xx: the gateway could not do it now; 429: the agent's rate limit. Anything else is its answer. */
    static boolean worthRetrying(int status) {
        return status >= 500 || status == 429;
    }

    /**
     * How long to wait before attempt {@code attempt + 1}: the gateway's {@code Retry-After} in
     * seconds (at most {@link #LONGEST_WAIT}), else 200 ms doubled with each attempt.
     */
    static Duration retryAfter(String header, int attempt) {
        if (header != null) {
            try {
                long seconds = Long.parseLong(header.trim());
                if (seconds >= 0) {
                    return Duration.ofSeconds(Math.min(seconds, LONGEST_WAIT.toSeconds()));
                }
            } catch (NumberFormatException e) {
                // an HTTP date, which the gateway never sends: the backoff will do
            }
        }
        return Duration.ofMillis(200L << attempt);
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
