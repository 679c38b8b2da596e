package dev.orgos.escalation;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.escalation.task.Authority;
import dev.orgos.escalation.task.Caller;
import dev.orgos.escalation.task.EscalationTask;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthorityTest {

    static EscalationTask task() {
        EscalationTask t = new EscalationTask();
        t.anchor = "finance-ops";
        t.assignee = "alice";
        t.agentId = "refund-bot";
        return t;
    }

    @Test
    void anchorRoleHoldersAndTheAssigneeMayAct() {
        assertNull(Authority.refusal(task(), new Caller("bob", Set.of("finance-ops"))));
        assertNull(Authority.refusal(task(), new Caller("alice", Set.of())));
    }

    @Test
    void agentsNeverActEvenWithTheAnchorRole() {
        assertTrue(Authority.refusal(task(), new Caller("other-bot", Set.of("agent", "finance-ops"))).contains("agents may never"));
    }

    @Test
    void theAgentWhoseActionItIsMayNotDecideIt() {
        assertTrue(Authority.refusal(task(), new Caller("refund-bot", Set.of("finance-ops"))).contains("may not decide"));
    }

    @Test
    void othersAreRefusedWithTheRoleTheyWouldNeed() {
        String why = Authority.refusal(task(), new Caller("mallory", Set.of("pricing")));
        assertTrue(why.contains("anchor role 'finance-ops'") && why.contains("assignee 'alice'"), why);
    }
}
