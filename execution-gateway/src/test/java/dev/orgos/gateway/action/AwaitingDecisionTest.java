package dev.orgos.gateway.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AwaitingDecisionTest {

    final AtomicLong now = new AtomicLong(1_000);
    final AwaitingDecision awaiting = new AwaitingDecision();

    {
        awaiting.memory = Duration.ofSeconds(60);
        awaiting.clock = now::get;
    }

    @Test
    void anAcknowledgedActionIsRememberedUntilDecided() {
        assertFalse(awaiting.remembers("act-1"), "never sent from here");
        awaiting.acknowledged("act-1");
        assertTrue(awaiting.remembers("act-1"));
        awaiting.decided("act-1");
        assertFalse(awaiting.remembers("act-1"), "decided: the database answers from now on");
    }

    @Test
    void withoutADecisionItIsForgottenAfterItsMemoryAndSweptAway() {
        awaiting.acknowledged("act-2");
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        assertTrue(awaiting.remembers("act-2"), "still within its memory");
        now.addAndGet(1);
        assertFalse(awaiting.remembers("act-2"), "past it: a retry sends the action again, which the router decides once");
        assertEquals(1, awaiting.remembered(), "not yet swept");
        awaiting.acknowledged("act-3");
        assertEquals(1, awaiting.remembered(), "the next acknowledgement after a quarter of the memory sweeps the old ones");
        assertTrue(awaiting.remembers("act-3"));
    }

    @Test
    void itRemembersAtMostSoManyAndForgetsAllOnARestart() {
        for (int i = 0; i < AwaitingDecision.MOST + 10; i++) {
            awaiting.acknowledged("act-" + i);
        }
        assertEquals(AwaitingDecision.MOST, awaiting.remembered(), "the router down for long at full rate does not grow it");
        assertFalse(awaiting.remembers("act-" + (AwaitingDecision.MOST + 5)), "not remembered: a retry sends it again");
        awaiting.forgetAll();
        assertEquals(0, awaiting.remembered());
    }
}
