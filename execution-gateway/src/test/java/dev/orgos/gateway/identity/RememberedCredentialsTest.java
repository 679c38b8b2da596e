package dev.orgos.gateway.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RememberedCredentialsTest {

    @Test
    void whenFullEverythingIsForgottenAndTheNewOneRemembered() {
        RememberedCredentials<String> m = new RememberedCredentials<>(2);
        m.remember("a", "agent-a");
        m.remember("b", "agent-b");
        assertEquals(2, m.size());
        m.remember("c", "agent-c");
        assertEquals(1, m.size(), "never more than the capacity");
        assertNull(m.get("a"), "checked afresh on its next use");
        assertEquals("agent-c", m.get("c"));
    }

    @Test
    void aCredentialRememberedAgainMeanwhileIsNotForgottenByAnOlderAnswer() {
        RememberedCredentials<String> m = new RememberedCredentials<>(10);
        m.remember("k", "old");
        m.remember("k", "new");
        m.forget("k", "old");
        assertEquals("new", m.get("k"));
        m.forget("k", "new");
        assertNull(m.get("k"));
    }

    @Test
    void forgettingByWhatIsRememberedLeavesTheRest() {
        RememberedCredentials<String> m = new RememberedCredentials<>(10);
        m.remember("k1", "key-1");
        m.remember("k2", "key-2");
        m.forgetIf("key-1"::equals);
        assertNull(m.get("k1"));
        assertEquals("key-2", m.get("k2"));
        m.forgetAll();
        assertEquals(0, m.size());
    }

    @Test
    void aCapacityBelowOneIsRefusedByItsSettingsName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new RememberedCredentials<String>(0));
        assertEquals("orgos.gateway.remembered-credentials must be at least 1, not 0", e.getMessage());
    }
}
