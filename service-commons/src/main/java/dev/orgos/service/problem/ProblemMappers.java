package dev.orgos.service.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as a problem detail that names the field, never as a stack trace. */
public class ProblemMappers {

    /** Registered for the exact type, so it wins over Quarkus's built-in mapper for it. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return unreadableJson(e);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        // a limit that refused the body while it was being read (the gateway's action size) is the
        // answer, not the JSON parser's complaint about the stream it lost
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof WebApplicationException w && isProblem(w.getResponse())) {
                return w.getResponse();
            }
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String why = "agentId".equals(u.getPropertyName())
                    ? "is taken from your credential and must not be sent"
                    : "is not a known field";
            return Problem.response(400, "Invalid request", "The request body has an unknown field.",
                    List.of(new Problem.FieldError(u.getPropertyName(), why)));
        }
        if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
            JsonMappingException m = (JsonMappingException) e;
            String field = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> a + "." + b).orElse("(body)");
            String expected = ((MismatchedInputException) e).getTargetType() == null ? "another type"
                    : ((MismatchedInputException) e).getTargetType().getSimpleName();
            return Problem.response(400, "Invalid request", "A field has the wrong type.",
                    List.of(new Problem.FieldError(field, "must be of type " + expected)));
        }
        var loc = e.getLocation();
        return Problem.response(400, "Malformed JSON", "The request body is not valid JSON"
                + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")") + ".",
                List.of(new Problem.FieldError("(body)", e.getOriginalMessage())));
    }

    @ServerExceptionMapper
    public Response jsonParse(com.fasterxml.jackson.core.JsonParseException e) {
        return unreadableJson(e);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json);
        }
        int status = e.getResponse().getStatus();
        if (isProblem(e.getResponse())) {
            return e.getResponse();
        }
        Response.Status s = Response.Status.fromStatusCode(status);
        return Problem.response(status, s == null ? "Error" : s.getReasonPhrase(), e.getMessage(), null);
    }

    /** An answer that is already a problem detail: passed on as it is. */
    private static boolean isProblem(Response r) {
        return r.getMediaType() != null && r.getMediaType().toString().startsWith(Problem.MEDIA_TYPE);
    }
}
