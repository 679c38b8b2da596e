package dev.orgos.ledger.sealing;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Finds which of some event ids were sealed before the writer's window, in the ledger's copy in
 * PostgreSQL (each one index lookup on {@code fact_event_id}).
 *
 * <p>The copy is a projection of the ledger topic and may lag it: an answer counts only once the
 * copy holds every entry before the window. Until it does (after a database outage, say) the
 * lookup waits for it, up to {@link #PROJECTION_WAIT}, and then fails, and the batch is taken again
 * later: a late fact, and those behind it, wait rather than risk a fact sealed twice. Fresh facts
 * never come here, so sealing them does not depend on the database.
 */
@ApplicationScoped
public class SealedBefore {
    private static final Logger LOG = Logger.getLogger(SealedBefore.class);
    static final Duration PROJECTION_WAIT = Duration.ofSeconds(30);
    static final Duration LOOKUP_LIMIT = Duration.ofSeconds(10);

    @Inject
    PgPool db;

    /** The ids among {@code eventIds} sealed at a sequence before {@code windowStart}. */
    Uni<Set<String>> among(Collection<String> eventIds, long windowStart) {
        return db.preparedQuery("""
                        SELECT (SELECT coalesce(max(sequence), -1) FROM ledger_entry) AS stored_head,
                               array(SELECT fact_event_id FROM ledger_entry
                                     WHERE fact_event_id = ANY($1) AND sequence < $2) AS sealed""")
                .execute(Tuple.of(eventIds.toArray(String[]::new), windowStart))
                .ifNoItem().after(LOOKUP_LIMIT).failWith(() -> new java.util.concurrent.TimeoutException(
                        "looking up earlier copies of facts took over " + LOOKUP_LIMIT.toSeconds() + " s"))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    long storedHead = row.getLong("stored_head");
                    if (storedHead < windowStart - 1) {
                        throw new ProjectionBehind(storedHead, windowStart);
                    }
                    return Arrays.stream(row.getArrayOfStrings("sealed")).collect(Collectors.toSet());
                })
                .onFailure(ProjectionBehind.class).invoke(e -> LOG.infof("%s; the facts that may be copies wait for it",
                        e.getMessage()))
                .onFailure(ProjectionBehind.class).retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5))
                .expireIn(PROJECTION_WAIT.toMillis())
                .onFailure().transform(Unavailable::new);
    }

    /** The lookup could not answer: the batch is taken again later, and the writer's state is still good. */
    static final class Unavailable extends RuntimeException {
        Unavailable(Throwable cause) {
            super("could not look up which facts were sealed before the writer's window: " + cause.getMessage(), cause);
        }
    }

    /** The database's copy does not yet hold every entry before the window. */
    static final class ProjectionBehind extends RuntimeException {
        ProjectionBehind(long storedHead, long windowStart) {
            super("The ledger's database copy holds entries up to #" + storedHead + ", not yet all those before #"
                    + windowStart + " (the oldest the writer remembers)", null, false, false);
        }
    }
}
