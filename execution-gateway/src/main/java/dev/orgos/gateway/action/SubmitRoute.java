package dev.orgos.gateway.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orgos.service.problem.Problem;
import dev.orgos.service.problem.ProblemMappers;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * {@code POST /v1/actions} with a JSON body (a plain action, or a CloudEvent in binary mode: ce-*
 * headers and the action as the body), taken on a Vert.x route rather than by the REST resource.
 * This is the request every AI worker makes for every action, and under load the REST layer's
 * per-request work (its handler chain, a request context, an interceptor for the role, a captured
 * context around each asynchronous step) cost more CPU than accepting the action (see
 * docs/benchmarks.md). Everything else about it is as the REST resource's: the same
 * authentication (run before any route), the same validation and answers
 * ({@link Submissions}), RFC 9457 problem details for every refusal, the action size limit while the
 * body is read. Structured CloudEvents ({@code application/cloudevents+json}) and anything that is not
 * JSON pass on to the REST resource.
 */
@Singleton
public class SubmitRoute {
    /** The category submissions were always logged under, which operators' filters name. */
    private static final Logger LOG = Logger.getLogger(ActionResource.class);

    @Inject
    Submissions submissions;

    @Inject
    ObjectMapper json;

    @Inject
    AgentRoutes routes;

    @Inject
    GatewayMetrics metrics;

    @ConfigProperty(name = BodyLimit.MAX_BYTES, defaultValue = "65536")
    long maxBytes;

    /** The HTTP layer's limit for any body: a chunked one past it is not read to its end. */
    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
    io.quarkus.runtime.configuration.MemorySize backstop;

    void install(@Observes Router router) {
        // before the REST layer's routes (which come after the default order), after authentication
        router.post("/v1/actions").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String type = request.getHeader("Content-Type");
        if (type == null || !type.trim().toLowerCase(Locale.ROOT).startsWith("application/json")) {
            rc.next();
            return;
        }
        // Quarkus resumed the request before this handler; held again until the body's handlers are set
        // (readBody), so that none of it arrives while the identity is still being established
        request.pause();
        routes.asAgent(rc, "Only agents submit actions; this credential is not an agent's.", agentId -> {
            var refused = BodyLimit.announced(request.getHeader("Content-Length"), maxBytes);
            if (refused.isPresent()) {
                write(rc, Answer.of(refused.get()));
                return;
            }
            readBody(rc, agentId);
        });
    }

    /**
     * Reads the body, counting: one that did not announce its length (chunked) and grows past the
     * limit is refused with the same 413 as one that announced it. The rest of it is read and
     * dropped, so that the answer reaches the client on a connection still in step.
     */
    private void readBody(RoutingContext rc, String agentId) {
        HttpServerRequest request = rc.request();
        Buffer body = Buffer.buffer();
        boolean[] tooLarge = {false};
        long[] received = {0};
        request.handler(chunk -> {
            received[0] += chunk.length();
            if (received[0] > backstop.asLongValue() && !rc.response().ended()) {
                // past the HTTP layer's own limit: answered now and the connection closed, not read to its end
                write(rc, Answer.of(BodyLimit.tooLarge(maxBytes, "larger")).with("Connection", "close"));
                request.connection().close();
                return;
            }
            if (!tooLarge[0]) {
                if (body.length() + chunk.length() > maxBytes) {
                    tooLarge[0] = true;
                } else {
                    body.appendBuffer(chunk);
                }
            }
        });
        request.exceptionHandler(e -> LOG.debugf("A submission's body could not be read: %s", e.getMessage()));
        request.endHandler(v -> {
            if (rc.response().ended()) {
                return;
            }
            if (tooLarge[0]) {
                write(rc, Answer.of(BodyLimit.tooLarge(maxBytes, "larger")));
            } else {
                submit(rc, agentId, body);
            }
        });
        request.resume();
    }

    private void submit(RoutingContext rc, String agentId, Buffer body) {
        HttpServerRequest request = rc.request();
        String ceSpecVersion = request.getHeader("ce-specversion");
        String ceId = request.getHeader("ce-id");
        if (ceSpecVersion != null) {
            List<Problem.FieldError> ce = Submissions.cloudEventProblems(ceSpecVersion, request.getHeader("ce-type"), ceId,
                    request.getHeader("ce-source"), "ce-");
            if (!ce.isEmpty()) {
                write(rc, Answer.problem(400, "Invalid CloudEvent", "The CloudEvent headers are not valid.", ce));
                return;
            }
        }
        ActionRequest action;
        try {
            action = body.length() == 0 ? null : json.readValue(body.getBytes(), ActionRequest.class);
        } catch (JsonProcessingException e) {
            metrics.refused(GatewayMetrics.Refusal.INVALID);
            write(rc, Answer.of(new ProblemMappers().unreadableJson(e)));
            return;
        } catch (java.io.IOException e) {
            write(rc, Answer.problem(400, "Invalid request", "The request body could not be read.", null));
            return;
        }
        String key = request.getHeader("Idempotency-Key");
        submissions.submit(agentId, action, key != null ? key : ceId, request.getHeader("Prefer")).whenComplete((answer, failure) -> {
            if (failure == null) {
                write(rc, answer);
            } else {
                LOG.warnf("A submission by %s could not be recorded: %s", agentId, failure.getMessage());
                write(rc, Answer.problem(503, "Service Unavailable", "The action could not be recorded (" + failure.getMessage()
                        + "); nothing was accepted, retry with the same key.", null));
            }
        });
    }

    private void write(RoutingContext rc, Answer answer) {
        routes.write(rc, answer);
    }
}
