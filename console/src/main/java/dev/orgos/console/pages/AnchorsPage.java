package dev.orgos.console.pages;

import dev.orgos.console.backend.Backend;
import dev.orgos.console.session.User;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Who is on call now for each anchor, and the chain an escalation climbs. */
@Path("/anchors")
@Produces(MediaType.TEXT_HTML)
public class AnchorsPage {

    @Inject
    Template anchors;
    @Inject
    Backend backend;

    @io.quarkus.qute.TemplateData

    public record Anchor(String id, String description, String onCallNow, String members, String chain, String acknowledgeWithin,
                         String resolveWithin, boolean isDefault) {
    }

    @GET
    @Blocking
    public TemplateInstance page(@Context HttpHeaders headers) {
        User user = Pages.user(headers);
        Backend.Answer a = backend.get(Backend.Service.ESCALATION, "/v1/anchors", Map.of(), user);
        List<Anchor> list = new ArrayList<>();
        if (a.ok()) {
            a.body().forEach(x -> {
                List<String> members = new ArrayList<>();
                x.path("members").forEach(m -> members.add(m.asText()));
                List<String> chain = new ArrayList<>();
                x.path("chain").forEach(m -> chain.add(m.asText()));
                list.add(new Anchor(x.path("id").asText(), x.path("description").asText(), x.path("onCallNow").asText(null),
                        String.join(", ", members), String.join(" → ", chain), human(x.path("acknowledgeWithin").asText()),
                        human(x.path("resolveWithin").asText()), x.path("isDefault").asBoolean()));
            });
        }
        return anchors.data("user", user).data("anchors", list).data("error", a.problem()).data("page", "anchors").data("done", null);
    }

    /** PT15M as "15 min", PT4H as "4 h": how people say deadlines. */
    static String human(String iso) {
        try {
            java.time.Duration d = java.time.Duration.parse(iso);
            if (d.toMinutes() < 60) {
                return d.toMinutes() + " min";
            }
            return d.toMinutesPart() == 0 ? d.toHours() + " h" : d.toHours() + " h " + d.toMinutesPart() + " min";
        } catch (RuntimeException e) {
            return iso;
        }
    }
}
