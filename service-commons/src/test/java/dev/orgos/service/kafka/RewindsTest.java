package dev.orgos.service.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RewindsTest {

    @Test
    void aFirstFailureIsTakenAgainAtOnceAndRepeatedOnesEverMoreSlowlyUpToTenSeconds() {
        assertEquals(Duration.ZERO, Rewinds.pauseAfter(1), "a rebalance or a fenced producer: the next try works");
        assertEquals(Duration.ofMillis(100), Rewinds.pauseAfter(2));
        assertEquals(Duration.ofMillis(200), Rewinds.pauseAfter(3));
        assertEquals(Duration.ofMillis(6400), Rewinds.pauseAfter(8));
        assertEquals(Duration.ofSeconds(10), Rewinds.pauseAfter(9));
        assertEquals(Duration.ofSeconds(10), Rewinds.pauseAfter(1_000_000), "no overflow after a long stuck stretch");
    }
}
