package dev.orgos.gateway.action;

import dev.orgos.service.problem.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses an oversized action with an RFC 9457 problem detail (413) before reading it, when the
 * body announces its length. A body that does not (chunked) is counted while read
 * ({@link BodyLimitWhileReading}); the HTTP layer's limit (quarkus.http.limits.max-body-size)
 * stays as the last backstop.
 */
public class BodyLimit {

    static final String MAX_BYTES = "orgos.gateway.max-action-bytes";

    @ConfigProperty(name = MAX_BYTES, defaultValue = "65536")
    long maxBytes;

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> limit(ContainerRequestContext request) {
        return announced(request.getHeaderString("Content-Length"), maxBytes);
    }

    /**
     * The refusal of a body by the length it announces ({@code Content-Length}, null when it announces
     * none): too large (413), or not a number (400). Shared with {@link SubmitRoute}.
     */
    static Optional<Response> announced(String length, long maxBytes) {
        if (length == null) {
            return Optional.empty();
        }
        try {
            if (Long.parseLong(length.trim()) <= maxBytes) {
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            return Optional.of(Problem.response(400, "Invalid request", "The Content-Length header is not a number.",
                    List.of(new Problem.FieldError("Content-Length", "must be a number"))));
        }
        return Optional.of(tooLarge(maxBytes, length.trim()));
    }

    /** The one answer to an oversized action, whether its length was announced or counted while read. */
    static Response tooLarge(long maxBytes, String size) {
        return Problem.response(413, "Content Too Large", "An action may be at most " + maxBytes + " bytes; this one is " + size + ".",
                List.of(new Problem.FieldError("(body)", "is larger than " + maxBytes + " bytes")));
    }
}
