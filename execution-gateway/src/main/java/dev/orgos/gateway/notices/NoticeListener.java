package dev.orgos.gateway.notices;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Duration;

/**
 * Holds one pooled connection that LISTENs on a PostgreSQL channel, and takes another when it
 * drops. Notices sent while no connection listened are lost for good: whoever listens must hear
 * {@link Events#lost} as "you may have missed some" and make up for it (look again, forget what
 * a missed notice could have changed).
 */
public final class NoticeListener {
    /** What the listener hears, on the connection's event loop. */
    public interface Events {
        /** A notice on the channel, with its payload. */
        void notice(String payload);

        /** LISTEN holds from now on: notices from now on are heard. */
        void listening();

        /** No connection listens (it closed, or none could be opened); {@code cause} is null when it closed. */
        void lost(Throwable cause);
    }

    private final PgPool db;
    private final String channel;
    private final Duration retry;
    private final Events events;
    private volatile SqlConnection listening;
    private volatile boolean stopped;

    private NoticeListener(PgPool db, String channel, Duration retry, Events events) {
        this.db = db;
        this.channel = channel;
        this.retry = retry;
        this.events = events;
    }

    /** Starts listening on {@code channel} (a plain identifier), trying again every {@code retry} while it cannot. */
    public static NoticeListener start(PgPool db, String channel, Duration retry, Events events) {
        NoticeListener l = new NoticeListener(db, channel, retry, events);
        l.listen();
        return l;
    }

    public void stop() {
        stopped = true;
        SqlConnection c = listening;
        if (c != null) {
            c.closeAndForget();
        }
    }

    private void listen() {
        if (stopped) {
            return;
        }
        db.getConnection()
                .chain(c -> {
                    // 0 starting, 1 listening, 2 closed: whichever of the close and the failure comes first
                    // is handled, once
                    java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger();
                    PgConnection pg = PgConnection.cast(c);
                    pg.notificationHandler(n -> events.notice(n.getPayload()));
                    pg.closeHandler(() -> {
                        if (phase.getAndSet(2) != 1) {
                            return; // it never listened: the failure below is handled instead
                        }
                        listening = null;
                        if (!stopped) {
                            events.lost(null);
                            retryLater();
                        }
                    });
                    return c.query("LISTEN " + channel).execute().invoke(() -> {
                                if (!phase.compareAndSet(0, 1)) {
                                    throw new IllegalStateException("the connection closed as LISTEN began");
                                }
                                listening = c;
                            })
                            .onFailure().call(e -> c.close());
                })
                .subscribe().with(ok -> events.listening(), e -> {
                    if (!stopped) {
                        events.lost(e);
                        retryLater();
                    }
                });
    }

    private void retryLater() {
        Uni.createFrom().voidItem().onItem().delayIt().by(retry).subscribe().with(x -> listen());
    }
}
