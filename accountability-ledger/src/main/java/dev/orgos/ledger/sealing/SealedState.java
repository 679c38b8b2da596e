package dev.orgos.ledger.sealing;

import dev.orgos.governance.ledger.LedgerChain;
import java.util.LinkedHashSet;
import java.util.SequencedSet;

/**
 * What the writer must know to append: the chain's head and the event ids sealed recently.
 * Rebuilt from the ledger topic itself, so it survives restarts and moves with the partition.
 *
 * <p>Duplicates come from at-least-once publishers: the escalation service's outbox relay can
 * publish a batch again after a crash (its next run, within a second or two), and the gateway an
 * outcome report whose publication was not marked (the worker's retry, or a sweep after 5 s).
 * They arrive within seconds of the original, so a window of the last {@value #DEDUP_WINDOW}
 * event ids (10 s of facts at 10,000 a second, the writer's measured capacity being about 13,000)
 * is enough to seal each fact once.
 */
final class SealedState {
    static final int DEDUP_WINDOW = 100_000;

    final LedgerChain chain;
    private final SequencedSet<String> recent;

    SealedState(LedgerChain chain, SequencedSet<String> recent) {
        this.chain = chain;
        this.recent = recent;
    }

    static SealedState empty() {
        return new SealedState(LedgerChain.genesis(), new LinkedHashSet<>());
    }


    boolean alreadySealed(String eventId) {
        return recent.contains(eventId);
    }

    void remember(String eventId) {
        recent.add(eventId);
        while (recent.size() > DEDUP_WINDOW) {
            recent.removeFirst();
        }
    }
}
