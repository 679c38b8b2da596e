package dev.orgos.gateway.action;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.jboss.logging.Logger;

/**
 * Tells long polls and event streams that an action's state changed, the moment the database
 * announces it (PostgreSQL LISTEN on the channel the action_state triggers notify). Any replica's
 * verdict consumer may write the change; every replica hears it.
 *
 * <p>This is a wake-up call, never the state itself: whoever is woken reads action_state. And since
 * a notice can be missed (the listening connection drops and is re-opened), every watcher also
 * looks again on its own at least every {@link #FALLBACK}: a lost notice delays an answer, it
 * never loses one.
 */
@ApplicationScoped
public class StateChanges {
    private static final Logger LOG = Logger.getLogger(StateChanges.class);
    static final String CHANNEL = "orgos_action_state";
    /** How often a watcher looks again when no notice came. */
    static final Duration FALLBACK = Duration.ofSeconds(1);
    private static final Duration SHORTEST_WAIT = Duration.ofMillis(1);

    @Inject
    PgPool db;

    private final Map<String, Set<Runnable>> watchers = new ConcurrentHashMap<>();
    private volatile SqlConnection listening;
    private volatile boolean stopped;
    /** Set when a listening connection was lost, so that its return is worth a line in the log. */
    private volatile boolean lost;

    void start(@Observes StartupEvent ignored) {
        listen();
    }

    void stop(@Observes ShutdownEvent ignored) {
        stopped = true;
        SqlConnection c = listening;
        if (c != null) {
            c.closeAndForget();
        }
    }

    /** Holds one pooled connection for LISTEN; when it drops, takes another. */
    private void listen() {
        if (stopped) {
            return;
        }
        db.getConnection()
                .chain(c -> {
                    PgConnection pg = PgConnection.cast(c);
                    pg.notificationHandler(n -> changed(n.getPayload()));
                    pg.closeHandler(() -> {
                        listening = null;
                        lost = true;
                        if (!stopped) {
                            LOG.warn("The connection that listens for action state changes closed; long polls fall back to "
                                    + "looking every second until it is open again");
                            retryLater();
                        }
                    });
                    return c.query("LISTEN " + CHANNEL).execute().invoke(() -> listening = c)
                            .onFailure().call(e -> c.close());
                })
                .subscribe().with(ok -> {
                    if (lost) {
                        lost = false;
                        LOG.info("Listening for action state changes again: long polls answer at once again");
                    } else {
                        LOG.debugf("Listening for action state changes on %s", CHANNEL);
                    }
                }, e -> {
                    lost = true;
                    LOG.warnf("Cannot listen for action state changes (%s); long polls look every second meanwhile", e.getMessage());
                    retryLater();
                });
    }

    private void retryLater() {
        Uni.createFrom().voidItem().onItem().delayIt().by(FALLBACK).subscribe().with(x -> listen());
    }

    private void changed(String actionId) {
        Set<Runnable> set = watchers.get(actionId);
        if (set != null) {
            set.forEach(Runnable::run);
        }
    }

    /**
     * Completes when the action's state may have changed: on its notice, or after {@code atMost}
     * (never later than {@link #FALLBACK}). Register before reading the state, so that a change
     * between the read and the wait is not missed.
     */
    public Watch watch(String actionId) {
        Watch w = new Watch(actionId);
        watchers.computeIfAbsent(actionId, k -> new CopyOnWriteArraySet<>()).add(w);
        return w;
    }

    /**
     * A tick now, then one each time the action's state may have changed (a notice, or
     * {@link #FALLBACK} without one). Ticks that come while the previous one is still being
     * handled are merged into one.
     */
    public Multi<Boolean> ticks(String actionId) {
        return Multi.createFrom().<Boolean>emitter(em -> {
                    Runnable tick = () -> em.emit(Boolean.TRUE);
                    watchers.computeIfAbsent(actionId, k -> new CopyOnWriteArraySet<>()).add(tick);
                    var fallback = Multi.createFrom().ticks().every(FALLBACK).subscribe().with(t -> em.emit(Boolean.TRUE));
                    em.onTermination(() -> {
                        fallback.cancel();
                        remove(actionId, tick);
                    });
                    em.emit(Boolean.TRUE);
                })
                .onOverflow().dropPreviousItems();
    }

    private void remove(String actionId, Runnable r) {
        watchers.computeIfPresent(actionId, (k, set) -> {
            set.remove(r);
            return set.isEmpty() ? null : set;
        });
    }

    /** One waiter: {@link #changed(Duration)} completes on the action's next notice or after a time. */
    public final class Watch implements Runnable {
        private final String actionId;
        private final java.util.concurrent.CompletableFuture<Void> notice = new java.util.concurrent.CompletableFuture<>();

        private Watch(String actionId) {
            this.actionId = actionId;
        }

        @Override
        public void run() {
            notice.complete(null);
        }

        /** Completes on a notice, or after {@code atMost} capped at {@link #FALLBACK}; then the watch is over. */
        public Uni<Void> changed(Duration atMost) {
            Duration wait = atMost.compareTo(FALLBACK) > 0 ? FALLBACK : atMost;
            // Vert.x timers count whole milliseconds and refuse less than one: a long poll re-armed with
            // 0.4 ms left threw at subscription, and its request was never answered
            return Uni.createFrom().completionStage(notice)
                    .ifNoItem().after(wait.compareTo(SHORTEST_WAIT) < 0 ? SHORTEST_WAIT : wait).recoverWithItem((Void) null)
                    .eventually(this::cancel);
        }

        /** Whether the action's notice came (rather than the time running out). */
        public boolean noticed() {
            return notice.isDone();
        }

        /** Stops watching without waiting. */
        public void cancel() {
            remove(actionId, this);
        }
    }
}
