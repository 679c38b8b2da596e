package dev.orgos.gateway.action;

import dev.orgos.service.problem.Problem;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code GET /v1/actions/{id}[?waitSeconds=N]}, the action's state, long-polled or not, on a
 * Vert.x route rather than by the REST resource, for the reason {@link SubmitRoute} gives: a
 * worker that learns its verdict by a long poll makes this request for every action, and through
 * the REST layer it cost the gateway about as much CPU as the submission (docs/benchmarks.md).
 * The answers are the REST resource's: the state as JSON; 400 for a wait outside 0 to 60 seconds
 * (or not a number); 404, as a problem detail, for an action unknown or another agent's (which
 * is not told apart, so that ids cannot be probed).
 */
@Singleton
public class StateRoute {
    private static final Logger LOG = Logger.getLogger(StateRoute.class);

    @Inject
    Submissions submissions;

    @Inject
    AgentRoutes routes;

    void install(@Observes Router router) {
        // before the REST layer's routes, after authentication; ":actionId" is one path segment, so the
        // action's /events and /outcome stay the REST resource's
        router.get("/v1/actions/:actionId").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        // who is asking first, as the REST layer did: a stranger learns nothing, not even a malformed query
        routes.asAgent(rc, "Only agents read actions; this credential is not an agent's.", agentId -> {
            String actionId = rc.pathParam("actionId");
            Integer wait = waitSeconds(rc.queryParams().get("waitSeconds"));
            if (wait == null) {
                routes.write(rc, Answer.problem(400, "Invalid query", "Long polls last at most " + Submissions.LONGEST_WAIT_SECONDS + " seconds.",
                        List.of(new Problem.FieldError("waitSeconds", "must be a whole number between 0 and " + Submissions.LONGEST_WAIT_SECONDS))));
                return;
            }
            Instant deadline = Instant.now().plusSeconds(wait);
            submissions.poll(actionId, agentId, deadline).subscribe().with(
                    view -> routes.write(rc, view == null || !view.agentId().equals(agentId)
                            ? Answer.problem(404, "Not Found", "No action " + actionId + " of yours is known here.", null)
                            : new Answer(200, view, Map.of())),
                    failure -> {
                        LOG.warnf("The state of action %s could not be read: %s", actionId, failure.getMessage());
                        routes.write(rc, Answer.problem(503, "Service Unavailable", "The action's state could not be read ("
                                + failure.getMessage() + "); try again.", null).with("Retry-After", "1"));
                    });
        });
    }

    /** The wait asked for: 0 when absent, null when not a whole number from 0 to {@link Submissions#LONGEST_WAIT_SECONDS}. */
    static Integer waitSeconds(String param) {
        if (param == null || param.isBlank()) {
            return 0;
        }
        try {
            int seconds = Integer.parseInt(param.trim());
            return seconds < 0 || seconds > Submissions.LONGEST_WAIT_SECONDS ? null : seconds;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
