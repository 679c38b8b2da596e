package dev.orgos.ledger.sealing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.governance.ledger.LedgerChain;
import org.junit.jupiter.api.Test;

class SealedStateTest {
    static final long MARGIN = SealedState.CLOCK_MARGIN.toMillis();

    static SealedState sealed(int window, int entries, long firstSealedAt) {
        SealedState s = SealedState.empty(window);
        for (int i = 0; i < entries; i++) {
            long at = firstSealedAt + i * 1000L;
            s.chain.append(at, new byte[] {(byte) i});
            s.remember("fact-" + i, at);
        }
        return s;
    }

    @Test
    void whileTheWindowReachesBackToGenesisNoFactCanHaveBeenSealedOutsideIt() {
        SealedState s = sealed(3, 3, 1_000_000);
        assertEquals(0, s.oldestRemembered());
        assertFalse(s.mayHaveBeenSealedBeforeWindow(0), "even a fact from long ago: every id ever sealed is in the window");
    }

    @Test
    void theWindowKeepsTheNewestIdsAndKnowsWhereItStarts() {
        SealedState s = sealed(3, 5, 1_000_000);
        assertEquals(2, s.oldestRemembered());
        assertFalse(s.alreadySealed("fact-1"), "dropped from the window");
        assertTrue(s.alreadySealed("fact-2"));
        assertTrue(s.alreadySealed("fact-4"));
    }

    @Test
    void onlyAFactThatOccurredBeforeTheOldestRememberedEntryWasSealedMayBeALateCopy() {
        SealedState s = sealed(3, 5, 1_000_000);
        long oldestSealedAt = 1_000_000 + 2 * 1000L;
        assertTrue(s.mayHaveBeenSealedBeforeWindow(oldestSealedAt - 60_000), "a fact from a minute before the window");
        assertTrue(s.mayHaveBeenSealedBeforeWindow(oldestSealedAt + MARGIN - 1),
                "within the clock margin: its publisher's clock may have run ahead");
        assertFalse(s.mayHaveBeenSealedBeforeWindow(oldestSealedAt + MARGIN),
                "it occurred after the window began (less the margin): a first copy would be in the window");
    }
}
