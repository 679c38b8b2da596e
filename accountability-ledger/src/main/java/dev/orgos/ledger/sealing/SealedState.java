package dev.orgos.ledger.sealing;

import dev.orgos.governance.ledger.LedgerChain;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/**
 * What the writer must know to append: the chain's head and the event ids sealed recently. Rebuilt
 * from the ledger topic itself, so it survives restarts and moves with the partition.
 *
 * <p>Duplicates come from at-least-once publishers: the escalation service's outbox relay can
 * publish a batch again after a crash, and the gateway an outcome report whose publication was not
 * marked (the worker's retry, or a sweep after 5 s). Most arrive within seconds and are found in
 * this window of the last {@code orgos.ledger.dedup-window} ids (100,000 by default: 10 s of facts
 * at 10,000 a second, the writer's measured capacity being about 13,000).
 *
 * <p>A copy can arrive later than the window reaches (a single escalation replica restarting
 * after a crash, under load). A copy carries its first copy's time of occurrence (the outbox
 * stores the record; the gateway, the time of the report), and the window keeps, as ids leave it,
 * the latest time at which any fact sealed before it occurred. A fact that occurred after that
 * cannot have been sealed before the window: only one that occurred no later needs
 * {@link SealedBefore}, the database's copy of the ledger. Facts arrive roughly in the order they
 * occur, so nearly all are sealed without it, a backlog caught up after an outage included; a
 * fact published long after it occurred is looked up.
 *
 * <p>The time is compared with times from the same publisher, not with the ledger's clock, except
 * after a restart for the entries before those read back: they are known by the sealing time of
 * the first one read, on the assumption that a fact sealed by then occurred at the latest a clock
 * margin later by its publisher's clock. That assumption is what a publisher whose clock runs
 * further ahead breaks (the writer names such a publisher when its facts arrive): a copy of one of
 * its facts sealed before the entries read back, arriving after a restart, can still be sealed
 * twice, and `orgos ledger verify` reports it. Each entry read back is known by the later of its fact's own time (from its
 * canonical bytes) and its sealing time plus the margin: a fact from a publisher whose clock ran
 * further ahead than the margin was remembered by the sealing time alone before, and a copy of it
 * arriving after a restart, once it had left the window, was not looked up and was sealed twice.
 */
final class SealedState {
    /** How far the clock of a fact's publisher may run ahead of the ledger's. */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);

    final LedgerChain chain;
    private final int window;
    /** Event id to the latest time its fact can have occurred (epoch millis), by sequence; contiguous up to the head. */
    private final SequencedMap<String, Long> recent;
    /** No fact sealed before the window occurred later than this (epoch millis). */
    private long latestBeforeWindow;

    private SealedState(LedgerChain chain, SequencedMap<String, Long> recent, int window, long latestBeforeWindow) {
        this.chain = chain;
        this.recent = recent;
        this.window = window;
        this.latestBeforeWindow = latestBeforeWindow;
    }

    static SealedState empty(int window) {
        return new SealedState(LedgerChain.genesis(), new LinkedHashMap<>(), window, Long.MIN_VALUE);
    }

    /** An entry read back from the ledger topic: when it was sealed, and when its fact says it occurred. */
    record ReadBack(long sealedAtMillis, long occurredAtMillis) {
    }

    /**
     * The state after a restart, from the last entries of the ledger topic (by event id, in sequence
     * order, up to the head of {@code chain}).
     */
    static SealedState recovered(LedgerChain chain, SequencedMap<String, ReadBack> readBack, int window) {
        long margin = CLOCK_MARGIN.toMillis();
        LinkedHashMap<String, Long> recent = new LinkedHashMap<>();
        for (Map.Entry<String, ReadBack> e : readBack.entrySet()) {
            recent.put(e.getKey(), Math.max(e.getValue().sealedAtMillis() + margin, e.getValue().occurredAtMillis()));
        }
        // every entry before those was sealed no later than the first of them
        boolean fromGenesis = chain.nextSequence() == recent.size();
        long before = fromGenesis || readBack.isEmpty() ? Long.MIN_VALUE : readBack.firstEntry().getValue().sealedAtMillis() + margin;
        SealedState s = new SealedState(chain, recent, window, before);
        s.evictBeyondWindow();
        return s;
    }

    boolean alreadySealed(String eventId) {
        return recent.containsKey(eventId);
    }

    /** A fact sealed in the batch under way; the window lets ids go only once the batch ends ({@link #batchSealed}). */
    void remember(String eventId, long occurredAtMillis) {
        recent.put(eventId, occurredAtMillis);
    }

    /**
     * The batch is sealed: the oldest ids beyond the window leave it. Not before: which facts
     * of a batch to look up was decided when it began, with every id then in the window still
     * to be found there until its end.
     */
    void batchSealed() {
        evictBeyondWindow();
    }

    private void evictBeyondWindow() {
        while (recent.size() > window) {
            latestBeforeWindow = Math.max(latestBeforeWindow, recent.pollFirstEntry().getValue());
        }
    }

    /** The sequence of the oldest entry in the window: every entry before it is outside. */
    long oldestRemembered() {
        return chain.nextSequence() - recent.size();
    }

    /**
     * Whether a fact not in the window may still have been sealed before it, and so must be looked
     * for in the database: it occurred no later than some fact outside the window. (Publishers give
     * a copy its first copy's time, so a copy occurred no later than its first copy did.)
     */
    boolean mayHaveBeenSealedBeforeWindow(long occurredAtMillis) {
        return occurredAtMillis <= latestBeforeWindow;
    }
}
