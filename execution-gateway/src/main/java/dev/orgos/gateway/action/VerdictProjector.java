package dev.orgos.gateway.action;

import dev.orgos.schema.Verdict;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Keeps action_state in step with the verdicts topic. Offsets are committed after the upsert. */
@ApplicationScoped
public class VerdictProjector {
    private static final Logger LOG = Logger.getLogger(VerdictProjector.class);

    @Inject
    ActionStore store;

    @Incoming("verdicts")
    public Uni<Void> onVerdict(Verdict verdict) {
        LOG.debugf("Verdict for action %s: %s", verdict.getActionId(), verdict.getStatus());
        return store.apply(verdict, "unknown");
    }
}
