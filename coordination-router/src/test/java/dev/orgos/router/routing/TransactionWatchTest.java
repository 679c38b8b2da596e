package dev.orgos.router.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransactionWatchTest {
    private static final long S = 1_000_000_000L;
    private static final Duration WARN_AFTER = Duration.ofSeconds(30);

    private final TransactionWatch watch = new TransactionWatch();

    @Test
    void withNoTransactionThereIsNothingToSay() {
        assertEquals(Duration.ZERO, watch.inProgress(100 * S));
        assertEquals(Optional.empty(), watch.warning(100 * S, WARN_AFTER));
    }

    @Test
    void aLongTransactionIsSaidOnceItPassesTheLimitWithWhereItsThreadWaitsAndAgainAsLongAsItGoesOn() {
        long t0 = 1_000 * S;
        watch.begun(t0);
        assertEquals(Duration.ofSeconds(29), watch.inProgress(t0 + 29 * S));
        assertEquals(Optional.empty(), watch.warning(t0 + 29 * S, WARN_AFTER));

        String said = watch.warning(t0 + 30 * S, WARN_AFTER).orElseThrow();
        assertTrue(said.contains("in progress for 30 s"), said);
        assertTrue(said.contains(Thread.currentThread().getName()), said);
        // the stack of the thread that began it: here, this test
        assertTrue(said.contains(TransactionWatchTest.class.getName()), said);

        assertEquals(Optional.empty(), watch.warning(t0 + 45 * S, WARN_AFTER), "said once per period");
        assertTrue(watch.warning(t0 + 60 * S, WARN_AFTER).orElseThrow().contains("in progress for 60 s"));

        watch.ended();
        assertEquals(Duration.ZERO, watch.inProgress(t0 + 61 * S));
        assertEquals(Optional.empty(), watch.warning(t0 + 100 * S, WARN_AFTER));
    }

    @Test
    void theNextTransactionIsWatchedAfresh() {
        watch.begun(0);
        watch.warning(40 * S, WARN_AFTER).orElseThrow();
        watch.ended();
        watch.begun(50 * S);
        assertEquals(Optional.empty(), watch.warning(60 * S, WARN_AFTER), "10 s into the new one");
        assertTrue(watch.warning(80 * S, WARN_AFTER).isPresent(), "30 s into the new one, though the last warning was 40 s ago");
    }
}
