package dev.orgos.gateway.action;

import dev.orgos.gateway.notices.NoticeListener;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Tells long polls and event streams that an action's state changed, the moment the database
 * announces it (PostgreSQL LISTEN on the channel that the gateway's writes of action_state notify). Any replica's
 * verdict consumer may write the change; every replica hears it.
 *
 * <p>A notice is a wake-up call, not the state: whoever is woken reads action_state. The replica
 * whose verdict consumer wrote the change knows the new state already, and hands it to its own
 * watchers at once ({@link #decided}): no wait for the notice, no second read. With one replica,
 * or workers whose long polls land where their verdicts are consumed, that is every answer. And
 * since a notice can be missed (the listening connection drops and is re-opened), every watcher
 * also looks again on its own at least every {@link #FALLBACK}: a lost notice delays an answer,
 * it never loses one.
 */
@Singleton
public class StateChanges {
    private static final Logger LOG = Logger.getLogger(StateChanges.class);
    static final String CHANNEL = "orgos_action_state";
    /** How often a watcher looks again when no notice came. */
    static final Duration FALLBACK = Duration.ofSeconds(1);
    private static final Duration SHORTEST_WAIT = Duration.ofMillis(1);

    @Inject
    PgPool db;

    @Inject
    AwaitingDecision awaiting;

    /** Each watcher is handed the new state when this replica wrote it, else null: look for yourself. */
    private final Map<String, Set<Consumer<ActionView>>> watchers = new ConcurrentHashMap<>();
    private NoticeListener listener;
    /** Set when the listening connection was lost, so that its return is worth a line in the log. */
    private volatile boolean lost;

    void start(@Observes StartupEvent ignored) {
        listener = NoticeListener.start(db, CHANNEL, FALLBACK, new NoticeListener.Events() {
            @Override
            public void notice(String payload) {
                changed(payload);
            }

            @Override
            public void listening() {
                if (lost) {
                    lost = false;
                    LOG.info("Listening for action state changes again: long polls answer at once again");
                } else {
                    LOG.debugf("Listening for action state changes on %s", CHANNEL);
                }
            }

            @Override
            public void lost(Throwable cause) {
                lost = true;
                if (cause == null) {
                    LOG.warn("The connection that listens for action state changes closed; long polls fall back to "
                            + "looking every second until it is open again");
                } else {
                    LOG.warnf("Cannot listen for action state changes (%s); long polls look every second meanwhile", cause.getMessage());
                }
            }
        });
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (listener != null) {
            listener.stop();
        }
    }

    /** A notice names one action or several ({@link ActionStore}). */
    void changed(String notice) {
        actionIds(notice).forEach(id -> tell(id, null));
    }

    /** The actions a notice names: separated by spaces (an action id has none). */
    static List<String> actionIds(String notice) {
        return java.util.Arrays.stream(notice.split(" ")).filter(id -> !id.isEmpty()).toList();
    }

    /** PostgreSQL refuses a notice's payload from 8,000 bytes on. */
    static final int LONGEST_NOTICE = 7_900;

    /** Action ids joined by spaces into as few notices as fit. */
    static List<String> notices(List<String> actionIds) {
        List<String> notices = new java.util.ArrayList<>();
        StringBuilder notice = new StringBuilder();
        for (String id : actionIds) {
            if (notice.length() > 0 && notice.length() + 1 + id.length() > LONGEST_NOTICE) {
                notices.add(notice.toString());
                notice.setLength(0);
            }
            if (notice.length() > 0) {
                notice.append(' ');
            }
            notice.append(id);
        }
        if (notice.length() > 0) {
            notices.add(notice.toString());
        }
        return notices;
    }

    /** An action's state as this replica just committed it: its watchers here need not read it again. */
    public void decided(ActionView state) {
        tell(state.actionId(), state);
    }

    private void tell(String actionId, ActionView state) {
        // any change of state ends PENDING: the database now answers a retry's question
        awaiting.decided(actionId);
        Set<Consumer<ActionView>> set = watchers.get(actionId);
        if (set != null) {
            set.forEach(w -> w.accept(state));
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
                    Consumer<ActionView> tick = state -> em.emit(Boolean.TRUE);
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

    private void remove(String actionId, Consumer<ActionView> r) {
        watchers.computeIfPresent(actionId, (k, set) -> {
            set.remove(r);
            return set.isEmpty() ? null : set;
        });
    }

    /** One waiter: {@link #changed(Duration)} completes on the action's next notice or after a time. */
    public final class Watch implements Consumer<ActionView> {
        private final String actionId;
        private final java.util.concurrent.CompletableFuture<ActionView> notice = new java.util.concurrent.CompletableFuture<>();

        private Watch(String actionId) {
            this.actionId = actionId;
        }

        @Override
        public void accept(ActionView state) {
            notice.complete(state);
        }

        /**
         * Completes on a notice, or after {@code atMost} capped at {@link #FALLBACK}; then the watch is
         * over. With the new state when this replica wrote it, else with null: read it.
         */
        public Uni<ActionView> changed(Duration atMost) {
            Duration wait = atMost.compareTo(FALLBACK) > 0 ? FALLBACK : atMost;
            // Vert.x timers count whole milliseconds and refuse less than one: a long poll re-armed with
            // 0.4 ms left threw at subscription, and its request was never answered
            return Uni.createFrom().completionStage(notice)
                    .ifNoItem().after(wait.compareTo(SHORTEST_WAIT) < 0 ? SHORTEST_WAIT : wait).recoverWithItem((ActionView) null)
                    .eventually(this::cancel);
        }

        /** Whether the action's notice came (rather than the time running out). */
        public boolean noticed() {
            // when the time runs out, the wait cancels the future, which makes it done too
            return notice.isDone() && !notice.isCancelled();
        }

        /** Stops watching without waiting. */
        public void cancel() {
            remove(actionId, this);
        }
    }
}
