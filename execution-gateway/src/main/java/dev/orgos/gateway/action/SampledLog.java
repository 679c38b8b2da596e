package dev.orgos.gateway.action;

import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * What the operator reads about each of many like events (actions accepted, outcomes reported):
 * each one while they come a few at a time, and a count once they come by the hundred. At hundreds
 * per second a line per action costs more than accepting it (3% of the gateway's CPU under load)
 * and no one reads it; the ledger is the record of every action, and DEBUG still shows each one.
 */
final class SampledLog {
    /** Each event is logged until this many were in the current window. */
    static final int EACH_PER_WINDOW = 10;
    private static final long WINDOW_NANOS = 10_000_000_000L;

    private final Logger log;
    /** What the count says, as in "Accepted 1,234 more actions in the last 10 s". */
    private final String more;
    private final AtomicLong inWindow = new AtomicLong();
    private final AtomicLong windowStart = new AtomicLong(System.nanoTime());

    /**
     * @param more what the events are, for the count: "Accepted %,d more actions"
     */
    SampledLog(Class<?> category, String more) {
        this.log = Logger.getLogger(category);
        this.more = more;
    }

    void log(String format, Object... params) {
        long start = windowStart.get();
        long now = System.nanoTime();
        if (now - start >= WINDOW_NANOS && windowStart.compareAndSet(start, now)) {
            long seen = inWindow.getAndSet(0);
            if (seen > EACH_PER_WINDOW) {
                log.infof(more + " in the last %d s (each one is logged at DEBUG)", seen - EACH_PER_WINDOW, (now - start) / 1_000_000_000L);
            }
        }
        if (inWindow.incrementAndGet() <= EACH_PER_WINDOW) {
            log.infof(format, params);
        } else {
            log.debugf(format, params);
        }
    }
}
