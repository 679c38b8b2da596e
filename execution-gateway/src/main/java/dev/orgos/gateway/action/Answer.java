package dev.orgos.gateway.action;

import dev.orgos.service.problem.Problem;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a submission answers, before it is an HTTP response of either kind: the plain Vert.x route
 * that takes JSON submissions ({@link SubmitRoute}) and the REST resource that takes structured
 * CloudEvents both send it. The body is written as JSON; a problem detail as
 * {@code application/problem+json}.
 */
record Answer(int status, Object body, Map<String, String> headers) {

    static Answer of(int status, Object body) {
        return new Answer(status, body, Map.of());
    }

    static Answer problem(int status, String title, String detail, List<Problem.FieldError> errors) {
        return of(status, Problem.of(status, title, detail, errors));
    }

    /** A problem detail built as a REST response elsewhere (the shared JSON error mapping). */
    static Answer of(Response response) {
        Map<String, String> headers = new LinkedHashMap<>();
        response.getStringHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !values.isEmpty()) {
                headers.put(name, values.get(0));
            }
        });
        return new Answer(response.getStatus(), response.getEntity(), headers);
    }

    /** The accepted action's address. */
    static String location(String actionId) {
        return "/v1/actions/" + actionId;
    }

    Answer with(String header, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(header, value);
        return new Answer(status, body, more);
    }

    Answer withBody(Object newBody) {
        return new Answer(status, newBody, headers);
    }

    boolean isProblem() {
        return body instanceof Problem;
    }

    /** For the REST resource: the Location is made absolute by the REST layer, as it always was. */
    Response toResponse() {
        Response.ResponseBuilder b = Response.status(status).entity(body);
        if (isProblem()) {
            b.type(Problem.MEDIA_TYPE);
        }
        headers.forEach((name, value) -> {
            if (name.equals("Location")) {
                b.location(URI.create(value));
            } else {
                b.header(name, value);
            }
        });
        return b.build();
    }
}
