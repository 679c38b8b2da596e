package dev.orgos.escalation.api;

import dev.orgos.escalation.charter.AnchorDirectory;
import dev.orgos.escalation.task.EscalationClock;
import dev.orgos.governance.charter.Anchor;
import dev.orgos.governance.charter.Charter;
import dev.orgos.service.charter.CharterLibrary;
import dev.orgos.service.problem.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who is accountable, as the charter in force says: the anchors with who is on call now and
 * their escalation chains, and every charter version published. For any signed-in person (humans
 * review the rosters and the charter); nothing here can be changed through the API: the charter
 * changes by publishing a new version.
 */
@Path("/v1")
@RolesAllowed("**")
@Produces(MediaType.APPLICATION_JSON)
public class DirectoryResource {

    @Inject
    AnchorDirectory directory;
    @Inject
    EscalationClock clock;

    public record AnchorView(String id, String description, List<String> members, String onCallNow, String acknowledgeWithin,
                             String resolveWithin, List<String> chain, boolean isDefault) {
    }

    public record CharterSummary(String id, long version, String digest, String publishedBy, Instant publishedAt, boolean inForce,
                                 int pathways, int anchors) {
    }

    public record CharterDocument(String id, long version, String digest, String publishedBy, Instant publishedAt, boolean inForce,
                                  String document) {
    }

    @GET
    @Path("/anchors")
    public List<AnchorView> anchors() {
        Optional<Charter> charter = directory.library().latest(null);
        if (charter.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        Charter c = charter.get();
        return c.anchors().values().stream().sorted(java.util.Comparator.comparing(Anchor::id))
                .map(a -> new AnchorView(a.id(), a.description(), a.members(), a.onCallAt(now), a.acknowledgeWithin().toString(),
                        a.resolveWithin().toString(), chain(c, a), a.id().equals(c.defaultAnchor())))
                .toList();
    }

    /** The anchors an escalation climbs through from this one, this one first. */
    private static List<String> chain(Charter c, Anchor from) {
        List<String> chain = new ArrayList<>();
        for (Anchor a = from; a != null && !chain.contains(a.id()); a = a.escalatesTo() == null ? null : c.anchor(a.escalatesTo()).orElse(null)) {
            chain.add(a.id());
        }
        return chain;
    }

    @GET
    @Path("/charters")
    public List<CharterSummary> charters() {
        String inForce = directory.library().latest(null).map(c -> CharterLibrary.key(c.id(), c.version())).orElse(null);
        return directory.library().publications().stream().map(p -> new CharterSummary(p.charter().id(), p.charter().version(),
                p.charter().digest(), p.publishedBy(), p.publishedAt(), CharterLibrary.key(p.charter().id(), p.charter().version()).equals(inForce),
                p.charter().pathways().size(), p.charter().anchors().size())).toList();
    }

    @GET
    @Path("/charters/{id}/{version}")
    public Response charter(@PathParam("id") String id, @PathParam("version") long version) {
        String key = CharterLibrary.key(id, version);
        String inForce = directory.library().latest(null).map(c -> CharterLibrary.key(c.id(), c.version())).orElse(null);
        return directory.library().publications().stream().filter(p -> CharterLibrary.key(p.charter().id(), p.charter().version()).equals(key))
                .findFirst()
                .map(p -> Response.ok(new CharterDocument(id, version, p.charter().digest(), p.publishedBy(), p.publishedAt(),
                        key.equals(inForce), p.document())).build())
                .orElseGet(() -> Problem.response(404, "Not Found", "No charter " + id + " version " + version + " was published.", null));
    }
}
