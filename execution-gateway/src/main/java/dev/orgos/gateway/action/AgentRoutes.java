package dev.orgos.gateway.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orgos.gateway.identity.Agent;
import dev.orgos.service.problem.Problem;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import java.util.function.Consumer;

/**
 * What the gateway's plain Vert.x routes share, the requests every worker makes for every action
 * ({@link SubmitRoute}, {@link StateRoute}): who is asking, and how an {@link Answer} is written.
 * Authentication ran before any route, as for the REST resource; here the identity it established
 * (or is still establishing) is read, and only an agent's passes, as {@code @RolesAllowed("agent")}
 * lets it pass there. Refusals are the same RFC 9457 problem details.
 */
@Singleton
class AgentRoutes {

    @Inject
    ObjectMapper json;

    /**
     * Calls {@code then} with the agent's id (the credential's) once the identity is known; answers a
     * missing credential with 401 and another role's with 403, whose detail is {@code onlyAgents}.
     */
    void asAgent(RoutingContext rc, String onlyAgents, Consumer<String> then) {
        SecurityIdentity identity = rc.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        if (identity != null) {
            authorized(rc, identity, onlyAgents, then);
            return;
        }
        Uni<SecurityIdentity> deferred = rc.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        if (deferred == null) {
            authorized(rc, null, onlyAgents, then);
        } else {
            // a refused credential fails the request: a 401 problem (AuthenticationProblems)
            deferred.subscribe().with(id -> authorized(rc, id, onlyAgents, then), rc::fail);
        }
    }

    private void authorized(RoutingContext rc, SecurityIdentity identity, String onlyAgents, Consumer<String> then) {
        if (identity == null || identity.isAnonymous()) {
            write(rc, Answer.problem(401, "Unauthorized", "Present an agent's credential: a JWT (Authorization: Bearer) or an API key "
                    + "(X-API-Key).", null).with("WWW-Authenticate", "Bearer"));
            return;
        }
        if (!identity.hasRole("agent")) {
            write(rc, Answer.problem(403, "Forbidden", onlyAgents, null));
            return;
        }
        then.accept(Agent.idOf(identity));
    }

    /**
     * The Location as the REST layer wrote it, absolute, from the request's scheme and Host. Parsing
     * the request's whole URI to resolve against it was 1.3% of the gateway's CPU under load.
     */
    private static String absolute(RoutingContext rc, String path) {
        String host = rc.request().getHeader("Host");
        return host == null ? path : rc.request().scheme() + "://" + host + path;
    }

    /** The answer as JSON, or as {@code application/problem+json} when it is a problem; nothing if already answered. */
    void write(RoutingContext rc, Answer answer) {
        HttpServerResponse response = rc.response();
        if (response.ended() || response.closed()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(answer.body());
        } catch (JsonProcessingException e) {
            rc.fail(500, e);
            return;
        }
        HttpServerRequest request = rc.request();
        if (!request.isEnded()) {
            // answered before the body was read (refused credential, announced size): the rest is read and
            // dropped, so that the connection stays in step for the client's next request
            request.handler(ignored -> {
            });
            request.resume();
        }
        response.setStatusCode(answer.status());
        answer.headers().forEach((name, value) -> response.putHeader(name, name.equals("Location") ? absolute(rc, value) : value));
        response.putHeader("Content-Type", answer.isProblem() ? Problem.MEDIA_TYPE : "application/json;charset=UTF-8");
        response.end(Buffer.buffer(bytes));
    }
}
