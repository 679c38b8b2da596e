package dev.orgos.service.problem;

import io.quarkus.security.AuthenticationFailedException;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A credential that is refused (an expired or forged JWT, an unknown or revoked API key) gets a
 * 401 problem detail saying so, like every other error; one that could not be checked
 * ({@link CredentialCheckUnavailable}) gets a 503 with Retry-After. Authentication runs before the
 * REST layer, so its failures are answered here, on the HTTP router.
 */
@ApplicationScoped
public class AuthenticationProblems {

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            Throwable failure = ctx.failure();
            if (failure instanceof AuthenticationFailedException && !ctx.response().ended()) {
                answer(ctx.response().putHeader("WWW-Authenticate", "Bearer"), 401, "Unauthorized",
                        "The credential was refused: present a valid JWT (Authorization: Bearer) or API key (X-API-Key).");
            } else if (failure instanceof CredentialCheckUnavailable unavailable && !ctx.response().ended()) {
                answer(ctx.response().putHeader("Retry-After", "1"), 503, "Service Unavailable", unavailable.getMessage() + "; try again.");
            } else {
                ctx.next();
            }
        });
    }

    private static void answer(io.vertx.core.http.HttpServerResponse response, int status, String title, String detail) {
        response.setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE).end(io.vertx.core.json.Json.encode(
                java.util.Map.of("type", "about:blank", "title", title, "status", status, "detail", detail)));
    }
}
