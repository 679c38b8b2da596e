package dev.orgos.gateway.action;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PreferredWaitTest {

    @Test
    void readsTheWaitPreferenceAmongOthers() {
        assertEquals(10, Submissions.preferredWait("wait=10"));
        assertEquals(5, Submissions.preferredWait("respond-async, wait=5"));
        assertEquals(7, Submissions.preferredWait("WAIT = \"7\"; foo=bar, return=minimal"));
    }

    @Test
    void capsItAndIgnoresWhatItDoesNotUnderstand() {
        assertEquals(60, Submissions.preferredWait("wait=3600"));
        assertEquals(0, Submissions.preferredWait(null));
        assertEquals(0, Submissions.preferredWait("respond-async"));
        assertEquals(0, Submissions.preferredWait("wait=soon"));
        assertEquals(0, Submissions.preferredWait("wait=-4"));
        assertEquals(0, Submissions.preferredWait("waiting=4"));
    }
}
