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
                ctx.response().setStatusCode(401).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("WWW-Authenticate", "Bearer")
                        .end(io.vertx.core.json.Json.encode(java.util.Map.of("type", "about:blank", "title", "Unauthorized",
                                "status", 401, "detail", "The credential was refused: present a valid JWT (Authorization: Bearer) "
                                        + "or API key (X-API-Key).")));
            } else if (failure instanceof CredentialCheckUnavailable unavailable && !ctx.response().ended()) {
                ctx.response().setStatusCode(503).putHeader("Content-Type", Problem.MEDIA_TYPE).putHeader("Retry-After", "1")
                        .end(io.vertx.core.json.Json.encode(java.util.Map.of("type", "about:blank", "title", "Service Unavailable",
                                "status", 503, "detail", unavailable.getMessage() + "; try again.")));
            } else {
                ctx.next();
            }
        });
    }
}
