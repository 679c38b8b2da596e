package dev.orgos.escalation.charter;

import dev.orgos.governance.charter.Anchor;
import dev.orgos.governance.charter.Charter;
import dev.orgos.service.charter.CharterLibrary;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The anchors (members, rotations, deadlines, chains) of the newest charter on the charters
 * topic: rosters change with charter versions, and an escalation is staffed by today's roster.
 */
@Startup
@ApplicationScoped
public class AnchorDirectory {
    private static final Logger LOG = Logger.getLogger(AnchorDirectory.class);

    private final CharterLibrary library;

    public AnchorDirectory(dev.orgos.service.kafka.MeshClients mesh) {
        this.library = new CharterLibrary(mesh.bootstrap(), mesh.registryUrl());
        try {
            if (!library.awaitCaughtUp(Duration.ofSeconds(30))) {
                LOG.warn("The charters topic could not be read within 30 s; anchors are staffed as soon as it is");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        library.latest(null).ifPresentOrElse(
                c -> LOG.infof("Anchors from charter '%s' version %d: %s", c.id(), c.version(), c.anchors().keySet()),
                () -> LOG.warn("No charter has been published yet: escalations wait for their anchor role's holders, with default deadlines"));
    }

    /**
     * The anchor with this id. An anchor the charter does not know still gets an owner: the role
     * itself, with conservative default deadlines, so nothing is ever left without a human.
     */
    public Anchor anchor(String id) {
        return library.latest(null).flatMap((Charter c) -> c.anchor(id)).orElseGet(() ->
                new Anchor(id, "not in the charter", List.of(), null, null, Duration.ofMinutes(15), Duration.ofHours(4), null));
    }

    /** The charter library this directory reads: every version published, for people who review them. */
    public CharterLibrary library() {
        return library;
    }

    void close(@Observes ShutdownEvent e) {
        library.close();
    }
}
