package dev.orgos.escalation.charter;

import dev.orgos.governance.charter.Anchor;
import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.charter.CharterException;
import dev.orgos.governance.charter.CharterParser;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/** The charter's anchors as this service needs them: who is on call, and the deadlines. */
@ApplicationScoped
public class AnchorDirectory {
    private static final Logger LOG = Logger.getLogger(AnchorDirectory.class);

    private final Charter charter;

    public AnchorDirectory(EscalationConfig config) {
        this.charter = config.charterFile().map(AnchorDirectory::load).orElse(null);
    }

    private static Charter load(String file) {
        try {
            Charter c = CharterParser.parse(file, Files.readString(Path.of(file)));
            LOG.infof("Anchors from charter '%s' version %d: %s", c.id(), c.version(), c.anchors().keySet());
            return c;
        } catch (IOException | CharterException e) {
            LOG.errorf("Cannot use charter %s (%s): escalations will wait for the anchor's role holders, "
                    + "with default deadlines", file, e.getMessage());
            return null;
        }
    }

    /**
     * The anchor with this id. An anchor the charter does not know still gets an owner: the role
     * itself, with conservative default deadlines, so nothing is ever left without a human.
     */
    public Anchor anchor(String id) {
        if (charter != null && charter.anchor(id).isPresent()) {
            return charter.anchor(id).get();
        }
        return new Anchor(id, "not in the charter", List.of(), null, null, Duration.ofMinutes(15), Duration.ofHours(4), null);
    }
}
