package dev.orgos.gateway.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class StateRouteTest {

    @Test
    void aLongPollWaitsZeroToSixtySeconds() {
        assertEquals(0, StateRoute.waitSeconds(null));
        assertEquals(0, StateRoute.waitSeconds(""));
        assertEquals(0, StateRoute.waitSeconds("0"));
        assertEquals(60, StateRoute.waitSeconds("60"));
        assertEquals(10, StateRoute.waitSeconds(" 10 "));
    }

    @Test
    void anythingElseIsRefused() {
        assertNull(StateRoute.waitSeconds("61"));
        assertNull(StateRoute.waitSeconds("-1"));
        assertNull(StateRoute.waitSeconds("soon"));
        assertNull(StateRoute.waitSeconds("1.5"));
        assertNull(StateRoute.waitSeconds("99999999999"));
    }
}
