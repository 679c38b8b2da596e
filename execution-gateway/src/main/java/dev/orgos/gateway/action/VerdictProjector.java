package dev.orgos.gateway.action;

import dev.orgos.schema.Verdict;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** Between tries while the database cannot be reached: growing from the first to the second. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    /**
     * A batch the database could not take for a reason of its own (the connection dropped, the server
     * restarting or out of connections, a deadlock) is tried again until it can, and the stream waits:
     * failing it stopped this replica's verdicts for good (the channel's failure strategy), so that its
     * long polls were never answered again until a restart.
     */
    @Incoming("verdicts")
    public Uni<Void> onVerdicts(List<Verdict> verdicts) {
        List<Verdict> present = verdicts.stream().filter(java.util.Objects::nonNull).toList();
        LOG.debugf("Applying %d verdicts", present.size());
        if (present.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        AtomicInteger failures = new AtomicInteger();
        return store.applyAll(present)
                .onFailure(VerdictProjector::passing).invoke(e -> {
                    if (failures.getAndIncrement() == 0) {
                        LOG.warnf("Cannot apply %d verdict(s) (%s); trying again until the database answers. Meanwhile "
                                + "actions keep their last state here and long polls wait", present.size(), e.getMessage());
                    }
                })
                .onFailure(VerdictProjector::passing).retry().withBackOff(FIRST_PAUSE, LONGEST_PAUSE).indefinitely()
                .invoke(changed -> {
                    if (failures.get() > 0) {
                        LOG.infof("Applied the %d verdict(s) after %d failed tries", present.size(), failures.get());
                    }
                    changed.forEach(changes::decided);
                })
                .replaceWithVoid();
    }

    /**
     * Whether a failure is the database's passing trouble rather than something about these verdicts:
     * a connection problem (SQLSTATE class 08), the server shutting down or restarting (57), out of
     * resources (53), a transaction rolled back by a deadlock or serialization failure (40), or no
     * answer from the server at all. Anything else fails the batch, as before.
     */
    static boolean passing(Throwable e) {
        if (e instanceof PgException pg) {
            String state = pg.getSqlState();
            return state != null && (state.startsWith("08") || state.startsWith("57") || state.startsWith("53") || state.startsWith("40"));
        }
        return e instanceof java.io.IOException || e instanceof io.vertx.core.VertxException
                || e instanceof java.util.concurrent.TimeoutException;
    }
}
