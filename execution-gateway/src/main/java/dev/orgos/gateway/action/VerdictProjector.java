package dev.orgos.gateway.action;

import dev.orgos.schema.Verdict;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps action_state in step with the verdicts topic, a batch at a time (one database round trip
 * per batch). Offsets are committed after the upserts; the upserts are idempotent, so a
 * redelivered batch changes nothing. Once committed, the new states go straight to this replica's
 * waiting long polls; other replicas hear of them from the database's notice.
 */
@ApplicationScoped
public class VerdictProjector {
    private static final Logger LOG = Logger.getLogger(VerdictProjector.class);

    @Inject
    ActionStore store;

    /** Long polls on this replica waiting for these actions are answered with the committed state. */
    @Inject
    StateChanges changes;

    @Incoming("verdicts")
    public Uni<Void> onVerdicts(List<Verdict> verdicts) {
        List<Verdict> present = verdicts.stream().filter(java.util.Objects::nonNull).toList();
        LOG.debugf("Applying %d verdicts", present.size());
        return present.isEmpty() ? Uni.createFrom().voidItem()
                : store.applyAll(present).invoke(changed -> changed.forEach(changes::decided)).replaceWithVoid();
    }
}
