package dev.orgos.gateway.action;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SendHealthTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void readyUntilASendFailsThenAgainAfterASuccessOrOnceTheFailureIsOld() {
        SendHealth health = new SendHealth();
        assertNull(health.problem(0), "no send yet: nothing says the broker is unreachable");
        health.succeeded(1 * SECOND);
        assertNull(health.problem(2 * SECOND));

        health.failed(3 * SECOND, "Topic orgos.actions not present in metadata after 60000 ms.");
        String problem = health.problem(5 * SECOND);
        assertTrue(problem != null && problem.contains("2 s ago") && problem.contains("not present in metadata"), problem);

        health.succeeded(6 * SECOND);
        assertNull(health.problem(7 * SECOND), "a send that succeeds after it: the broker is back");

        health.failed(8 * SECOND, "timed out");
        assertTrue(health.problem(8 * SECOND + SendHealth.FAILURE_HOLDS.toNanos() - 1) != null);
        assertNull(health.problem(8 * SECOND + SendHealth.FAILURE_HOLDS.toNanos()),
                "ready again after a while, so that work (and with it the next send) can come back");
    }
}
