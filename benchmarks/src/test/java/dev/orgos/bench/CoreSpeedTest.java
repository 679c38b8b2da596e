package dev.orgos.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CoreSpeedTest {

    @Test
    void aPhaseGetsTheMeanAndTheRangeOfItsProbes() {
        assertEquals("a core's speed: SHA-256 at 1200 (1000-1500) MB per CPU-second, a read from memory 90 (80-110) ns (3 probes)",
                CoreSpeed.summary(List.of(new CoreSpeed.Probe(1_000, 80), new CoreSpeed.Probe(1_100, 80), new CoreSpeed.Probe(1_500, 110))));
    }

    @Test
    void aPhaseShorterThanAProbeSaysSo() {
        assertEquals("a core's speed: not measured", CoreSpeed.summary(List.of()));
    }

    @Test
    void theMemoryProbeVisitsEverySlotBeforeComingBack() {
        int slots = 1_000;
        int[] next = CoreSpeed.randomCycle(slots, new Random(7));
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        int at = 0;
        do {
            seen.add(at);
            at = next[at];
        } while (at != 0 && seen.size() <= slots);
        assertEquals(slots, seen.size(), "one cycle through all slots: no read can be served from a short loop in cache");
        assertEquals(0, CoreSpeed.chase(next, 0, slots));
    }

    @Test
    void theProberMeasuresInTheBackground() {
        try (CoreSpeed speed = CoreSpeed.start()) {
            int mark = speed.mark();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> speed.since(mark).contains(" MB per CPU-second"));
        }
    }
}
