package dev.orgos.ledger.sealing;

import dev.orgos.governance.ledger.LedgerChain;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * What the writer must know to append: the chain's head and the event ids sealed recently, each
 * with the time it was sealed. Rebuilt from the ledger topic itself, so it survives restarts and
 * moves with the partition.
 *
 * <p>Duplicates come from at-least-once publishers: the escalation service's outbox relay can
 * publish a batch again after a crash, and the gateway an outcome report whose publication was not
 * marked (the worker's retry, or a sweep after 5 s). Most arrive within seconds and are found in
 * this window of the last {@code orgos.ledger.dedup-window} ids (100,000 by default: 10 s of facts
 * at 10,000 a second, the writer's measured capacity being about 13,000).
 *
 * <p>A copy can arrive later than the window reaches (a single escalation replica restarting
 * after a crash, under load). Its fact says when it occurred, and its first copy cannot have been
 * sealed before that. So if a fact occurred after the oldest id in the window was sealed, plus a
 * margin for the clocks of two hosts, its first copy, if any, is in the window. Only an older fact
 * needs {@link SealedBefore}, the database's copy of the ledger; fresh facts, nearly all of them,
 * are sealed without it. So publishers give a copy its first copy's time: the outbox stores the
 * record, the gateway the time of the report (a violation, which it does not store, the ledger
 * always looks up).
 */
final class SealedState {
    /** How far the clock of a fact's publisher may run ahead of the ledger's. */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);

    final LedgerChain chain;
    private final int window;
    /** Event id to the time its entry was sealed (epoch millis), oldest first; contiguous sequences ending at the head. */
    private final SequencedMap<String, Long> recent;

    SealedState(LedgerChain chain, SequencedMap<String, Long> recent, int window) {
        this.chain = chain;
        this.recent = recent;
        this.window = window;
    }

    static SealedState empty(int window) {
        return new SealedState(LedgerChain.genesis(), new LinkedHashMap<>(), window);
    }

    boolean alreadySealed(String eventId) {
        return recent.containsKey(eventId);
    }

    void remember(String eventId, long sealedAtMillis) {
        recent.put(eventId, sealedAtMillis);
        while (recent.size() > window) {
            recent.pollFirstEntry();
        }
    }

    /** The sequence of the oldest entry in the window: every entry before it is outside. */
    long oldestRemembered() {
        return chain.nextSequence() - recent.size();
    }

    /**
     * Whether a fact not in the window may still have been sealed before it, and so must be looked
     * for in the database: only when the window does not reach back to the chain's genesis and the
     * fact occurred before the oldest id in it was sealed (plus the clock margin).
     */
    boolean mayHaveBeenSealedBeforeWindow(long occurredAtMillis) {
        if (oldestRemembered() == 0) {
            return false;
        }
        return recent.isEmpty() || occurredAtMillis < recent.firstEntry().getValue() + CLOCK_MARGIN.toMillis();
    }
}
