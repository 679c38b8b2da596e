package dev.orgos.router.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DecidedIdsTest {
    static final Duration HOUR = Duration.ofHours(1);
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void anIdIsRememberedOnceAndOthersAreNot() {
        DecidedIds ids = new DecidedIds(HOUR);
        assertTrue(ids.add("act-1", T0));
        assertFalse(ids.add("act-1", T0.plusSeconds(1)), "the second time is a resubmission");
        assertTrue(ids.contains("act-1"));
        assertFalse(ids.contains("act-2"));
        assertFalse(ids.contains("act-"));
        assertFalse(ids.contains("act-10"));
        assertEquals(1, ids.size());
    }

    @Test
    void anIdIsRememberedForTheWholeWindowAfterItsDecisionAndForgottenWithinAnEighthMore() {
        DecidedIds ids = new DecidedIds(HOUR);
        ids.add("early", T0);
        ids.add("later", T0.plus(HOUR).minusMillis(1));
        assertTrue(ids.contains("early"), "still inside the window");

        ids.add("next", T0.plus(HOUR).plus(HOUR.dividedBy(8)).plusMillis(1));
        assertFalse(ids.contains("early"), "older than the window and its slice");
        assertTrue(ids.contains("later"));
        assertTrue(ids.contains("next"));
        assertEquals(2, ids.size());
    }

    @Test
    void aClockSteppedBackNeitherLosesNorShortensAnything() {
        DecidedIds ids = new DecidedIds(HOUR);
        ids.add("a", T0.plus(HOUR));
        ids.add("b", T0); // an hour earlier by the clock: kept with the newest
        ids.add("c", T0.plus(HOUR).plus(HOUR).minusMillis(1));
        assertTrue(ids.contains("b"));
        assertTrue(ids.contains("a"));
    }

    @Test
    void manyIdsAcrossChunksAndTableGrowthAreAllFoundAndOnlyThey() {
        DecidedIds ids = new DecidedIds(HOUR);
        List<String> decided = new java.util.ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            String id = UUID.randomUUID().toString();
            decided.add(id);
            ids.add(id, T0.plusMillis(i / 100)); // all within two seconds of each other: one slice
        }
        for (String id : decided) {
            assertTrue(ids.contains(id), id);
        }
        for (int i = 0; i < 10_000; i++) {
            assertFalse(ids.contains(UUID.randomUUID().toString()));
        }
        assertEquals(200_000, ids.size());
        long footprint = ids.footprint();
        assertTrue(footprint > 200_000L * 38 && footprint < 200_000L * 100, "bytes per id: " + footprint / 200_000);
    }

    @Test
    void idsOutsideAsciiAndOfEveryLengthAreKeptExactly() {
        DecidedIds ids = new DecidedIds(HOUR);
        String longest = "x".repeat(128);
        ids.add("é-1", T0);
        ids.add(longest, T0);
        assertTrue(ids.contains("é-1"));
        assertFalse(ids.contains("e-1"));
        assertTrue(ids.contains(longest));
        assertFalse(ids.contains(longest.substring(1)));
    }

    @Test
    void droppingASliceGivesItsMemoryBack() {
        DecidedIds ids = new DecidedIds(HOUR);
        for (int i = 0; i < 50_000; i++) {
            ids.add("old-" + i, T0);
        }
        long full = ids.footprint();
        ids.add("new", T0.plus(HOUR.multipliedBy(2)));
        assertEquals(1, ids.size());
        assertTrue(ids.footprint() < full / 10, ids.footprint() + " of " + full);
    }

    @Test
    void aWindowMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new DecidedIds(Duration.ZERO));
    }

    @Test
    void aPartitionRestoredFromItsDeltasForgetsWhatTheLivePartitionForgot() {
        PartitionState live = new PartitionState(HOUR, HOUR);
        PartitionState restored = new PartitionState(HOUR, HOUR);
        Instant[] times = {T0, T0.plus(Duration.ofMinutes(30)), T0.plus(Duration.ofMinutes(80))};
        String[] actions = {"first", "second", "third"};
        for (int i = 0; i < 3; i++) {
            live.decideOnce(actions[i], times[i]);
            restored.replayDecided(List.of(actions[i]), times[i]);
        }
        for (String id : actions) {
            assertEquals(live.alreadyDecided(id), restored.alreadyDecided(id), id);
        }
        assertFalse(live.alreadyDecided("first"), "decided 80 minutes before the latest: beyond the hour and its slice");
        assertTrue(live.alreadyDecided("second"));
        assertTrue(live.alreadyDecided("third"));
    }
}
