package dev.orgos.escalation.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RelayWatchTest {
    static final long S = 1_000_000_000L;
    static final Duration WARN = Duration.ofSeconds(30);
    static final Duration STUCK = Duration.ofMinutes(5);

    @Test
    void aRunIsReportedWithItsStepOnceItHasTakenLongAndAgainAsOftenWhileItGoesOn() {
        RelayWatch watch = new RelayWatch();
        watch.begun(0, "claiming unsent rows");
        watch.doing("publishing 3 event(s) in a Kafka transaction");
        assertTrue(watch.warning(29 * S, WARN, STUCK).isEmpty());
        String warning = watch.warning(30 * S, WARN, STUCK).orElseThrow();
        assertTrue(warning.contains("publishing 3 event(s) in a Kafka transaction for 30 s"), warning);
        assertTrue(warning.contains("DOWN after 300 s"), warning);
        assertTrue(watch.warning(45 * S, WARN, STUCK).isEmpty(), "not again before another 30 s");
        assertTrue(watch.warning(61 * S, WARN, STUCK).orElseThrow().contains("for 61 s"));
        assertEquals(Duration.ofSeconds(61), watch.inProgress(61 * S));
    }

    @Test
    void betweenRunsNothingIsInProgressAndNothingIsReported() {
        RelayWatch watch = new RelayWatch();
        assertEquals(Duration.ZERO, watch.inProgress(100 * S));
        watch.begun(0, "claiming unsent rows");
        watch.ended();
        watch.doing("publishing 1 event(s) in a Kafka transaction"); // a late step of an ended run starts nothing
        assertEquals(Duration.ZERO, watch.inProgress(100 * S));
        assertTrue(watch.warning(100 * S, WARN, STUCK).isEmpty());
    }

    @Test
    void aNewRunIsTimedFromItsOwnBeginning() {
        RelayWatch watch = new RelayWatch();
        watch.begun(0, "claiming unsent rows");
        watch.ended();
        watch.begun(50 * S, "claiming unsent rows");
        assertEquals(Duration.ofSeconds(10), watch.inProgress(60 * S));
        assertTrue(watch.warning(60 * S, WARN, STUCK).isEmpty());
    }
}
