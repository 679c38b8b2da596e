package dev.orgos.ledger.sealing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.governance.ledger.LedgerChain;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

class SealedStateTest {
    static final long MARGIN = SealedState.CLOCK_MARGIN.toMillis();

    /** Seals facts that occurred at the given times (epoch millis), in that order. */
    static SealedState sealed(int window, long... occurredAt) {
        SealedState s = SealedState.empty(window);
        for (int i = 0; i < occurredAt.length; i++) {
            s.chain.append(1_000_000 + i, new byte[] {(byte) i});
            s.remember("fact-" + i, occurredAt[i]);
            s.batchSealed();
        }
        return s;
    }

    /** An entry read back whose fact occurred when it was sealed: its publisher's clock in step with the ledger's. */
    static SealedState.ReadBack inStep(long sealedAt) {
        return new SealedState.ReadBack(sealedAt, sealedAt);
    }

    /**
     * A fact whose publisher's clock ran a minute ahead, read back after a restart: a late copy of it,
     * once it has left the window, is looked up. Before, it was remembered by its sealing time plus
     * the margin only, and the copy (which carries the first copy's time) was sealed a second time.
     */
    @Test
    void aFactFromAPublisherAheadIsRememberedByItsOwnTimeAfterARestart() {
        var readBack = new LinkedHashMap<String, SealedState.ReadBack>();
        readBack.put("fact-8", inStep(80_000L));
        readBack.put("fact-9", new SealedState.ReadBack(90_000L, 150_000L));
        SealedState s = SealedState.recovered(new LedgerChain(10, new byte[32]), readBack, 2);
        s.chain.append(100_000, new byte[] {1});
        s.remember("fact-10", 100_000);
        s.chain.append(100_001, new byte[] {2});
        s.remember("fact-11", 100_001);
        s.batchSealed();
        assertFalse(s.alreadySealed("fact-9"), "it has left the window");
        assertTrue(s.mayHaveBeenSealedBeforeWindow(150_000), "so a copy of it, occurred at 150,000, is looked up");
    }

    @Test
    void theTimeOfAFactReadBackIsItsOwn() {
        byte[] canonical = dev.orgos.governance.ledger.CanonicalJson.bytes(java.util.Map.of("eventId", "f-1", "occurredAt", 150_000L,
                "details", java.util.Map.of("occurredAt", "a detail of the same name")));
        assertEquals(150_000L, ChainRecovery.occurredAt(java.nio.ByteBuffer.wrap(canonical), 90_000L));
        assertEquals(90_000L, ChainRecovery.occurredAt(java.nio.ByteBuffer.wrap(new byte[] {'{'}), 90_000L), "unreadable: the sealing time");
    }

    @Test
    void whileTheWindowReachesBackToGenesisNoFactCanHaveBeenSealedOutsideIt() {
        SealedState s = sealed(3, 100, 200, 300);
        assertEquals(0, s.oldestRemembered());
        assertFalse(s.mayHaveBeenSealedBeforeWindow(0), "even a fact from long ago: every id ever sealed is in the window");
    }

    @Test
    void theWindowKeepsTheNewestIdsAndKnowsWhereItStarts() {
        SealedState s = sealed(3, 100, 200, 300, 400, 500);
        assertEquals(2, s.oldestRemembered());
        assertFalse(s.alreadySealed("fact-1"), "dropped from the window");
        assertTrue(s.alreadySealed("fact-2"));
        assertTrue(s.alreadySealed("fact-4"));
    }

    @Test
    void aFactIsLookedUpOnlyIfItOccurredNoLaterThanSomeFactThatLeftTheWindow() {
        // the second fact was published late: it occurred before the first
        SealedState s = sealed(2, 300, 100, 400, 500);
        // 300 and 100 have left the window: nothing before it occurred after 300
        assertTrue(s.mayHaveBeenSealedBeforeWindow(300), "a copy of the first fact");
        assertTrue(s.mayHaveBeenSealedBeforeWindow(100), "a copy of the second");
        assertFalse(s.mayHaveBeenSealedBeforeWindow(301), "occurred after everything outside the window: its first copy would be inside");
        s.chain.append(1_000_010, new byte[] {9});
        s.remember("fact-9", 200);
        s.batchSealed(); // pushes 400 out
        assertTrue(s.mayHaveBeenSealedBeforeWindow(400));
        assertFalse(s.mayHaveBeenSealedBeforeWindow(401));
    }

    @Test
    void aBacklogSealedLongAfterItOccurredNeedsNoLookupsWhenItComesInOrder() {
        SealedState s = SealedState.empty(10);
        for (int i = 0; i < 1000; i++) {
            long occurred = 1_000L * i; // hours before the sealing, but in order
            assertFalse(i >= 10 && s.mayHaveBeenSealedBeforeWindow(occurred), "fact " + i);
            s.chain.append(9_000_000_000L + i, new byte[] {(byte) i});
            s.remember("fact-" + i, occurred);
            s.batchSealed();
        }
    }

    @Test
    void afterARestartTheEntriesReadBackAreKnownBySealingTimeAndTheClockMargin() {
        LedgerChain chain = new LedgerChain(10, new byte[32]); // sequences 0 to 9 sealed; the last 3 read back
        var sealedAt = new LinkedHashMap<String, SealedState.ReadBack>();
        sealedAt.put("fact-7", inStep(70_000L));
        sealedAt.put("fact-8", inStep(80_000L));
        sealedAt.put("fact-9", inStep(90_000L));
        SealedState s = SealedState.recovered(chain, sealedAt, 3);
        assertEquals(7, s.oldestRemembered());
        assertTrue(s.alreadySealed("fact-8"));
        // entries 0 to 6 were sealed by 70,000, so their facts occurred by 70,000 + margin by any publisher's clock
        assertTrue(s.mayHaveBeenSealedBeforeWindow(70_000 + MARGIN));
        assertFalse(s.mayHaveBeenSealedBeforeWindow(70_000 + MARGIN + 1));
        // and as the ones read back leave the window, their bound goes with them
        s.chain.append(100_000, new byte[] {1});
        s.remember("fact-10", 95_000);
        s.batchSealed();
        assertTrue(s.mayHaveBeenSealedBeforeWindow(70_000 + MARGIN), "fact-7 left: still bounded by its sealing time");
        assertFalse(s.mayHaveBeenSealedBeforeWindow(70_000 + MARGIN + 1));
    }

    @Test
    void anIdInTheWindowWhenABatchBeginsIsFoundThereUntilTheBatchEnds() {
        SealedState s = sealed(3, 100, 200, 300);
        // one batch: five new facts, then a copy of the first fact, which was in the window when the batch began
        for (int i = 3; i < 8; i++) {
            s.chain.append(2_000_000 + i, new byte[] {(byte) i});
            s.remember("fact-" + i, 1000 + i);
        }
        assertTrue(s.alreadySealed("fact-0"), "not looked up when the batch began, so it must still be found");
        s.batchSealed();
        assertFalse(s.alreadySealed("fact-0"));
        assertEquals(5, s.oldestRemembered());
        assertTrue(s.mayHaveBeenSealedBeforeWindow(1004), "the next batch looks up what may be a copy of fact-4");
    }

    @Test
    void aLedgerReadBackFromGenesisNeedsNoLookups() {
        var sealedAt = new LinkedHashMap<String, SealedState.ReadBack>();
        sealedAt.put("fact-0", inStep(1_000L));
        sealedAt.put("fact-1", inStep(2_000L));
        SealedState s = SealedState.recovered(new LedgerChain(2, new byte[32]), sealedAt, 5);
        assertFalse(s.mayHaveBeenSealedBeforeWindow(0));
    }
}
