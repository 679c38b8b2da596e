package dev.orgos.gateway.action;

import dev.orgos.governance.decision.ActionContract;
import dev.orgos.governance.decision.ProposedAction;
import dev.orgos.schema.ActionProposed;
import dev.orgos.service.problem.Problem;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Accepting an action, whichever door it came in by: validated, recorded as PENDING (claiming its
 * idempotency key), on the broker (acks=all), then answered 202. Written over plain futures, not
 * Mutiny: this runs for every submission, and each Mutiny step captured and restored the request's
 * context (a third of the gateway's CPU samples under load). The steps still run where they did:
 * validation on the request's event loop, the answer back on it.
 */
@Singleton
public class Submissions {
    /** The category submissions were always logged under, which operators' filters name. */
    private static final Logger LOG = Logger.getLogger(ActionResource.class);
    static final String CLOUDEVENT_TYPE = "dev.orgos.action.proposed";
    /** The longest an answer waits for an action's state: a long poll's, or a POST's that prefers to wait. */
    static final int LONGEST_WAIT_SECONDS = 60;
    /** The header that marks a retry's 202: the original acceptance, whose action may be decided already. */
    static final String REPLAYED = "Idempotent-Replayed";
    /** One per process, whatever the scope. */
    private static final SampledLog ACCEPTANCE_LOG = new SampledLog(ActionResource.class, "Accepted %,d more actions");

    @Inject
    GatewayMetrics metrics;

    @Inject
    ActionsProducer actions;

    @Inject
    ActionStore store;

    /** Wakes waiting requests when an action's state changes, on whichever replica. */
    @Inject
    StateChanges changes;

    @Inject
    RateLimiter limiter;

    /** Which of the actions this replica sent are not yet decided: a retry of one is not sent again. */
    @Inject
    AwaitingDecision awaiting;

    /**
     * Accepts {@code request} from {@code agentId} (the credential's, never the body's).
     * {@code idempotencyKey} (else the action id) makes a retry return the original acceptance.
     * With {@code prefer} asking to wait, the 202 carries the verdict when it comes in time.
     */
    public CompletionStage<Answer> submit(String agentId, ActionRequest request, String idempotencyKey, String prefer) {
        int wait = preferredWait(prefer);
        Instant deadline = wait > 0 ? Instant.now().plusSeconds(wait) : null;
        String actionId = request == null || request.actionId() == null ? UUID.randomUUID().toString() : request.actionId();
        if (deadline == null) {
            return accept(agentId, request, actionId, idempotencyKey);
        }
        // Watched before it is sent, so that its verdict cannot come unnoticed: a fresh action's state is
        // known (PENDING, just recorded) and need not be read, and the verdict is handed over by this
        // replica's verdict consumer. One database read fewer for each waiting POST, the Java client's way.
        StateChanges.Watch watch = changes.watch(actionId);
        CompletionStage<Answer> answered = accept(agentId, request, actionId, idempotencyKey).thenCompose(a -> {
            if (a.status() != 202 || !(a.body() instanceof Map<?, ?> body) || !(body.get("actionId") instanceof String id)) {
                watch.cancel();
                return CompletableFuture.completedFuture(a);
            }
            io.smallrye.mutiny.Uni<ActionView> verdict;
            if (id.equals(actionId) && !a.headers().containsKey(REPLAYED)) {
                verdict = watch.changed(Duration.between(Instant.now(), deadline)).chain(state ->
                        state != null && state.isFinal() && state.agentId().equals(agentId)
                                ? io.smallrye.mutiny.Uni.createFrom().item(state) : poll(id, agentId, deadline));
            } else {
                watch.cancel(); // a retry answered with an earlier action, whose state may be anything: read it
                verdict = poll(id, agentId, deadline);
            }
            return verdict.subscribeAsCompletionStage()
                    .thenApply(view -> view == null ? a : a.withBody(view).with("Preference-Applied", "wait=" + wait));
        });
        return answered.whenComplete((a, failure) -> {
            if (failure != null) {
                watch.cancel();
            }
        });
    }

    /**
     * {@code Prefer: wait=N} (RFC 7240, N at most 60 seconds): the 202 waits until the action's state
     * is final or N seconds have passed, and carries that state, so that a worker learns an
     * autonomous verdict from its POST alone, without a second request. Like any preference it is
     * advisory: one the gateway does not understand is ignored, and {@code Preference-Applied} says
     * when it was honoured. Answers the wait in seconds (capped at 60), or 0.
     */
    static int preferredWait(String prefer) {
        if (prefer == null) {
            return 0;
        }
        for (String preference : prefer.split(",")) {
            String[] nameValue = preference.split(";")[0].trim().split("=", 2);
            if (nameValue.length == 2 && nameValue[0].trim().equalsIgnoreCase("wait")) {
                try {
                    return Math.max(0, Math.min(LONGEST_WAIT_SECONDS, Integer.parseInt(nameValue[1].trim().replace("\"", ""))));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** What is wrong with a CloudEvent's attributes ({@code prefix}: "ce-" in binary mode, where they are headers). */
    static List<Problem.FieldError> cloudEventProblems(String specVersion, String type, String id, String source, String prefix) {
        List<Problem.FieldError> out = new ArrayList<>();
        if (!"1.0".equals(specVersion)) {
            out.add(new Problem.FieldError(prefix + "specversion", "must be 1.0"));
        }
        if (!CLOUDEVENT_TYPE.equals(type)) {
            out.add(new Problem.FieldError(prefix + "type", "must be " + CLOUDEVENT_TYPE));
        }
        if (id == null || id.isBlank()) {
            out.add(new Problem.FieldError(prefix + "id", "is required"));
        }
        if (source == null || source.isBlank()) {
            out.add(new Problem.FieldError(prefix + "source", "is required"));
        }
        return out;
    }

    /** {@code actionId}: the request's, or the one chosen for it when it has none. */
    private CompletionStage<Answer> accept(String agentId, ActionRequest request, String actionId, String idempotencyKey) {
        if (request == null) {
            return done(Answer.problem(400, "Invalid action", "The request body is empty.",
                    List.of(new Problem.FieldError("(body)", "is required"))));
        }
        long wait = limiter.acquire(agentId);
        if (wait > 0) {
            metrics.refused(GatewayMetrics.Refusal.RATE_LIMITED);
            return done(Answer.problem(429, "Too Many Requests", "Agent " + agentId + " is over its rate limit; retry after " + wait
                    + " s.", null).with("Retry-After", Long.toString(wait)));
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        ActionContract.problems(new ProposedAction(actionId, agentId, request.actionType(), request.amount(),
                        request.confidence(), request.riskScore(), request.reversible(), request.targetSystem(), Map.of()))
                .forEach(p -> errors.add(new Problem.FieldError(p.field(), p.message())));
        Map<String, Object> avroParams = new HashMap<>();
        (request.parameters() == null ? Map.<String, Object>of() : request.parameters()).forEach((k, v) -> {
            Object value = avroValue(v);
            if (value == UNSUPPORTED) {
                errors.add(new Problem.FieldError("parameters." + k, "must be a string, number, boolean or null"));
            } else {
                avroParams.put(k, value);
            }
        });
        String key = idempotencyKey != null ? idempotencyKey.trim() : request.actionId();
        if (key != null && (key.isEmpty() || key.length() > 200)) {
            errors.add(new Problem.FieldError("Idempotency-Key", "must be 1 to 200 characters"));
        }
        if (!errors.isEmpty()) {
            metrics.refused(GatewayMetrics.Refusal.INVALID);
            return done(Answer.problem(400, "Invalid action", "The action was not accepted; nothing was sent.", errors));
        }
        ActionRequest withId = request.withActionId(actionId);
        // in milliseconds, as the event carries it (timestamp-millis): action_state says what the mesh saw
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // the trace as it is now, on the request's own thread: the steps below run on others
        Context trace = Context.current();
        var spanContext = Span.fromContext(trace).getSpanContext();
        String traceId = spanContext.isValid() ? spanContext.getTraceId() : null;
        long recording = System.nanoTime();
        if (key == null) {
            return store.accepted(actionId, agentId, request.actionType(), traceId, now)
                    .thenCompose(ignored -> {
                        metrics.recorded(recording);
                        return send(agentId, withId, avroParams, now, trace, traceId, null, true);
                    });
        }
        return claimAndSend(agentId, withId, avroParams, key, request.fingerprint(), now, trace, traceId, recording, true);
    }

    /**
     * Claims {@code key} for the request and sends it when the claim is fresh; otherwise answers as
     * the claim says. {@code mayClaimAgain}: once, a claim that lost its action id to a request under
     * another key at the same moment is given back and made again, which then sees that request.
     */
    private CompletionStage<Answer> claimAndSend(String agentId, ActionRequest withId, Map<String, Object> avroParams, String key,
                                                 String hash, Instant now, Context trace, String traceId, long recording,
                                                 boolean mayClaimAgain) {
        String actionId = withId.actionId();
        return store.claim(agentId, key, hash, actionId, withId.actionType(), traceId, now).thenCompose(claim -> {
            metrics.recorded(recording);
            if (claim.lostRace()) {
                return store.releaseKey(agentId, key).subscribeAsCompletionStage().thenCompose(released -> mayClaimAgain
                        ? claimAndSend(agentId, withId, avroParams, key, hash, now, trace, traceId, recording, false)
                        : done(alreadySubmitted(actionId)));
            }
            if (claim.takenBy() != null) {
                if (!claim.takenBy().equals(agentId)) {
                    return done(Answer.problem(409, "Action id taken", "Action id " + actionId + " belongs to another agent's action; "
                            + "choose another.", List.of(new Problem.FieldError("actionId", "is already used"))));
                }
                metrics.refused(GatewayMetrics.Refusal.ACTION_ID_REUSED);
                return done(alreadySubmitted(actionId));
            }
            if (claim.fresh()) {
                return send(agentId, withId, avroParams, now, trace, traceId, key, true);
            }
            if (!claim.sameRequest()) {
                metrics.refused(GatewayMetrics.Refusal.IDEMPOTENCY_KEY_REUSED);
                return done(Answer.problem(409, "Idempotency key reused", "Idempotency key '" + key
                        + "' was already used for a different request (action " + claim.actionId() + "); use a new key for a new action.",
                        List.of(new Problem.FieldError("Idempotency-Key", "was used with a different body"))));
            }
            if (!claim.sent() && awaiting.remembers(claim.actionId())) {
                // not decided yet, but this replica has the broker's acknowledgement: the original acceptance
                LOG.debugf("Retry of action %s by %s answered with the original acceptance (it awaits its decision)",
                        claim.actionId(), agentId);
                return done(pending(claim.actionId(), null).with(REPLAYED, "true"));
            }
            if (!claim.sent()) {
                // claimed, but not known to be on the broker (a crash, a failure, another replica's, or not yet
                // decided and forgotten): send it again. The router decides an action id once, so a second copy
                // changes nothing.
                LOG.infof("Retry of action %s by %s: it is not known to have reached the broker (not decided yet, and this "
                        + "replica does not remember sending it), so it is sent again; the router decides it once", claim.actionId(), agentId);
                ActionRequest original = withId.withActionId(claim.actionId());
                return store.accepted(original.actionId(), agentId, original.actionType(), traceId, now)
                        .thenCompose(ignored -> send(agentId, original, avroParams, now, trace, traceId, key, false))
                        .thenApply(a -> a.status() == 202 ? a.with(REPLAYED, "true") : a);
            }
            LOG.debugf("Retry of action %s by %s answered with the original acceptance", claim.actionId(), agentId);
            return done(pending(claim.actionId(), null).with(REPLAYED, "true"));
        });
    }

    /**
     * The agent's own action id, first submitted under another idempotency key. Sent again, it would
     * not be evaluated (the router decides an action id once) and would be answered with the first
     * request's verdict, whatever this body says: refused, and nothing is sent or recorded.
     */
    private Answer alreadySubmitted(String actionId) {
        return Answer.problem(409, "Action id already submitted", "Action " + actionId + " was already submitted under another "
                + "idempotency key; an action is decided once, by its first request. A retry must be sent as the first request was "
                + "(the same Idempotency-Key, or none if it had none; the action's state is at " + Answer.location(actionId)
                + "); a new action needs a new action id.", List.of(new Problem.FieldError("actionId",
                "was already submitted under another idempotency key")));
    }

    /**
     * Puts the action, already recorded as PENDING, on the broker and answers 202. If the broker
     * refuses, what this submission recorded ({@code undoOnFailure}) is undone so that a retry can
     * succeed. Once acknowledged, this replica remembers it until it is decided (AwaitingDecision).
     */
    private CompletionStage<Answer> send(String agentId, ActionRequest request, Map<String, Object> avroParams, Instant now,
                                         Context trace, String traceId, String key, boolean undoOnFailure) {
        ActionProposed event = ActionProposed.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setActionId(request.actionId())
                .setAgentId(agentId)
                .setOccurredAt(now)
                .setActionType(request.actionType())
                .setDescription(request.description())
                .setAmount(request.amount())
                .setCurrency(request.currency())
                .setConfidence(request.confidence())
                .setRiskScore(request.riskScore())
                .setReversible(request.reversible())
                .setTargetSystem(request.targetSystem())
                .setParameters(avroParams)
                .build();
        long sending = System.nanoTime();
        io.vertx.core.Context caller = Vertx.currentContext();
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        actions.send(agentId, event, trace).whenComplete((metadata, failure) -> {
            // on the producer's thread: back to the caller's context, where its request lives
            Runnable then = () -> acknowledged(agentId, request, traceId, key, undoOnFailure, sending, failure, answer);
            if (caller == null) {
                then.run();
            } else {
                caller.runOnContext(v -> then.run());
            }
        });
        return answer;
    }

    private void acknowledged(String agentId, ActionRequest request, String traceId, String key, boolean undoOnFailure, long sending,
                              Throwable failure, CompletableFuture<Answer> answer) {
        if (failure != null) {
            Answer unavailable = Answer.problem(503, "Service Unavailable", "The action could not be put on the mesh ("
                    + failure.getMessage() + "); nothing was accepted, retry with the same key.", null);
            if (!undoOnFailure) {
                answer.complete(unavailable);
                return;
            }
            store.unsent(agentId, key, request.actionId()).subscribe().with(done -> answer.complete(unavailable), e -> {
                LOG.warnf("Action %s could not be sent, nor its record undone (%s); a retry sends it again", request.actionId(),
                        e.getMessage());
                answer.complete(unavailable);
            });
            return;
        }
        metrics.sent(sending);
        if (key != null) {
            awaiting.acknowledged(request.actionId());
        }
        ACCEPTANCE_LOG.log("Accepted action %s (%s) from agent %s", request.actionId(), request.actionType(), agentId);
        metrics.accepted();
        answer.complete(pending(request.actionId(), traceId == null ? "" : traceId));
    }

    /** The 202 for an action recorded as PENDING; {@code traceId} null when the answer is a retry's. */
    private static Answer pending(String actionId, String traceId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("actionId", actionId);
        body.put("status", "PENDING");
        if (traceId != null) {
            body.put("traceId", traceId);
        }
        return new Answer(202, body, Map.of("Location", Answer.location(actionId)));
    }

    /**
     * The action's state once it is final, or as it is at {@code deadline}; null when unknown. An
     * action of another agent is answered as it is, for the caller to refuse.
     */
    public io.smallrye.mutiny.Uni<ActionView> poll(String actionId, String agentId, Instant deadline) {
        // watch first, then read: a change between the two still wakes us
        StateChanges.Watch watch = changes.watch(actionId);
        return store.find(actionId).chain(view -> {
            Duration left = Duration.between(Instant.now(), deadline);
            boolean notTheirs = view != null && !view.agentId().equals(agentId);
            if (notTheirs || (view != null && view.isFinal()) || left.isNegative() || left.isZero()) {
                watch.cancel();
                return io.smallrye.mutiny.Uni.createFrom().item(view);
            }
            // handed the final state by this replica's verdict consumer: that is the answer, no need to read it
            return watch.changed(left).chain(state -> state != null && state.isFinal() && state.agentId().equals(agentId)
                    ? io.smallrye.mutiny.Uni.createFrom().item(state) : poll(actionId, agentId, deadline));
        }).onFailure().invoke(watch::cancel);
    }

    private static CompletionStage<Answer> done(Answer a) {
        return CompletableFuture.completedFuture(a);
    }

    private static final Object UNSUPPORTED = new Object();

    /** Parameters become Avro's union of null, boolean, long, double and string. */
    private static Object avroValue(Object v) {
        if (v == null || v instanceof Boolean || v instanceof String) {
            return v;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).longValue();
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        return UNSUPPORTED;
    }
}
