package dev.orgos.gateway.action;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PreferredWaitTest {

    @Test
    void readsTheWaitPreferenceAmongOthers() {
        assertEquals(10, ActionResource.preferredWait("wait=10"));
        assertEquals(5, ActionResource.preferredWait("respond-async, wait=5"));
        assertEquals(7, ActionResource.preferredWait("WAIT = \"7\"; foo=bar, return=minimal"));
    }

    @Test
    void capsItAndIgnoresWhatItDoesNotUnderstand() {
        assertEquals(60, ActionResource.preferredWait("wait=3600"));
        assertEquals(0, ActionResource.preferredWait(null));
        assertEquals(0, ActionResource.preferredWait("respond-async"));
        assertEquals(0, ActionResource.preferredWait("wait=soon"));
        assertEquals(0, ActionResource.preferredWait("wait=-4"));
        assertEquals(0, ActionResource.preferredWait("waiting=4"));
    }
}
