package dev.orgos.console.pages;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orgos.console.ConsoleConfig;
import dev.orgos.console.backend.Backend;
import dev.orgos.console.diff.LineDiff;
import dev.orgos.console.session.User;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The charter: the version in force and its digest, earlier versions, the difference between two, the latest replay report. */
@Path("/charter")
@Produces(MediaType.TEXT_HTML)
public class CharterPage {

    @Inject
    Template charter;
    @Inject
    Backend backend;
    @Inject
    ConsoleConfig config;

    @io.quarkus.qute.TemplateData

    public record Version(String id, long version, String key, String digest, String publishedBy, String publishedAt, boolean inForce) {
    }

    @GET
    @Blocking
    public TemplateInstance page(@Context HttpHeaders headers, @QueryParam("from") String from, @QueryParam("to") String to) {
        User user = Pages.user(headers);
        Backend.Answer a = backend.get(Backend.Service.ESCALATION, "/v1/charters", Map.of(), user);
        List<Version> versions = new ArrayList<>();
        if (a.ok()) {
            a.body().forEach(c -> versions.add(new Version(c.path("id").asText(), c.path("version").asLong(),
                    c.path("id").asText() + "/" + c.path("version").asLong(), c.path("digest").asText(), c.path("publishedBy").asText(),
                    c.path("publishedAt").asText(), c.path("inForce").asBoolean())));
        }
        Version inForce = versions.stream().filter(Version::inForce).findFirst().orElse(null);
        String fromKey = from != null ? from : versions.size() > 1 ? versions.get(versions.size() - 2).key() : null;
        String toKey = to != null ? to : inForce != null ? inForce.key() : null;
        List<LineDiff.Line> diff = null;
        String diffProblem = null;
        if (fromKey != null && toKey != null) {
            Backend.Answer before = backend.get(Backend.Service.ESCALATION, "/v1/charters/" + fromKey, Map.of(), user);
            Backend.Answer after = backend.get(Backend.Service.ESCALATION, "/v1/charters/" + toKey, Map.of(), user);
            if (before.ok() && after.ok()) {
                diff = LineDiff.changes(LineDiff.diff(before.body().path("document").asText(), after.body().path("document").asText()), 3);
            } else {
                diffProblem = before.ok() ? after.problem() : before.problem();
            }
        }
        return charter.data("user", user).data("versions", versions).data("inForce", inForce).data("fromKey", fromKey)
                .data("toKey", toKey).data("diff", diff).data("diffProblem", diffProblem).data("report", replayReport())
                .data("error", a.problem()).data("page", "charter").data("done", null);
    }

    private Object replayReport() {
        try {
            if (config.replayReport().isPresent() && Files.isRegularFile(config.replayReport().get())) {
                ObjectMapper json = new ObjectMapper();
                return json.convertValue(json.readTree(config.replayReport().get().toFile()), Map.class);
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return null;
    }
}
