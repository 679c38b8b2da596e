package dev.orgos.service.kafka;

import dev.orgos.schema.Topics;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Consumed records a database refused one after another for what they hold, none taken between
 * them, and the operator told once there have been {@link #IN_A_ROW_TO_SAY}. A faulty producer's
 * records are refused one by one and dead-lettered, and stopping for them would let one producer
 * stop the whole stream; but when every record is refused alike (a migration that broke the table),
 * dead-lettering them all is what happens, and someone must know.
 */
public final class RefusalStreak {
    private static final Logger LOG = Logger.getLogger(RefusalStreak.class);

    public static final int IN_A_ROW_TO_SAY = 20;

    /** What the records are, in the plural ("verdicts"). */
    private final String records;
    private final AtomicInteger inARow = new AtomicInteger();

    public RefusalStreak(String records) {
        this.records = records;
    }

    /** A record was taken: the streak is over. */
    public void accepted() {
        inARow.set(0);
    }

    /** A record was refused, for {@code why}; the operator is told at the {@link #IN_A_ROW_TO_SAY}th in a row. */
    public void refused(String why) {
        if (inARow.incrementAndGet() == IN_A_ROW_TO_SAY) {
            LOG.errorf("The database has refused %d %s in a row, the last for: %s. A faulty producer of %s, or, if every one is "
                    + "refused alike, a fault of the database's schema or of this service: the refused %s are on %s, each naming "
                    + "its offset, to be sent again once mended", IN_A_ROW_TO_SAY, records, why, records, records, Topics.DEAD_LETTERS.topic());
        }
    }
}
